// Who may use the admin API (issue 16, "who may do what"). The routes come from the server's own
// router, so a new route cannot be left out. Every route is called over TCP with no key, a wrong
// key, an expired key and a deleted key (each must get exactly 401 "Unauthorized" and change
// nothing), with a valid key and over the unix socket (both must get past the check). No key
// ever appears in a log line, even at debug level.
#include "platform/Endpoint.h"
#include "server/Server.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace keel;

namespace {

struct Answer
{
    int status = 0;
    QByteArray body;
};

Answer call(QIODevice& socket, const QByteArray& method, const QString& path, const QByteArray& authorization)
{
    QByteArray request = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!authorization.isEmpty())
        request += "Authorization: " + authorization + "\r\n";
    const bool withBody = method != "GET" && method != "HEAD";
    request += withBody ? QByteArray("Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}") : QByteArray("\r\n");
    socket.write(request);
    QByteArray in;
    const auto closed = [&] {
        if (auto* tcp = qobject_cast<QTcpSocket*>(&socket))
            return tcp->state() == QAbstractSocket::UnconnectedState;
        return qobject_cast<QLocalSocket*>(&socket)->state() == QLocalSocket::UnconnectedState;
    };
    (void)QTest::qWaitFor([&] {
        in += socket.readAll();
        return closed();
    }, 10'000);
    in += socket.readAll();
    Answer a;
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("^HTTP/1.1 (\\d{3}) ")).match(QString::fromLatin1(in.left(20)));
    a.status = m.hasMatch() ? m.captured(1).toInt() : -1;
    const qsizetype head = in.indexOf("\r\n\r\n");
    a.body = head < 0 ? QByteArray() : in.mid(head + 4);
    return a;
}

// Plausible values for path parameters; ids that do not exist, so a permitted call changes little.
QString fill(const QString& pattern)
{
    QString path = pattern;
    path.replace(QStringLiteral("{tailnet}"), QStringLiteral("-")); // /api/v2: the caller's tailnet
    path.replace(QRegularExpression(QStringLiteral("\\{[^}]*\\}")), QStringLiteral("999999"));
    return path.endsWith(QLatin1String("/*")) ? path.chopped(1) + QStringLiteral("anything") : path;
}

QStringList g_log;
void captureLog(QtMsgType, const QMessageLogContext&, const QString& message)
{
    g_log.append(message);
}

} // namespace

class TestAuthzMatrix : public QObject
{
    Q_OBJECT

private slots:
    void everyAdminRouteRefusesEveryBadCredential()
    {
        QTemporaryDir dir;
        config::Config c = config::Config::embeddedDefault(dir.path());
        c.listenAddr = QStringLiteral("127.0.0.1:0");
        c.serverUrl = QStringLiteral("http://127.0.0.1");
        c.metricsListenAddr.clear();
        c.derp.urls.clear();
        c.derp.paths.clear();
        QLoggingCategory::setFilterRules(QStringLiteral("keel.*.debug=true"));
        const QtMessageHandler previous = qInstallMessageHandler(captureLog);
        server::Server server(c);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));

        store::Store& store = server.store();
        const auto valid = store.createApiKey(QDateTime::currentDateTimeUtc().addDays(1));
        const auto expired = store.createApiKey(QDateTime::currentDateTimeUtc().addDays(1));
        const auto deleted = store.createApiKey(QDateTime::currentDateTimeUtc().addDays(1));
        QVERIFY(valid && expired && deleted);
        QVERIFY(store.expireApiKey(expired->key.id));
        QVERIFY(store.deleteApiKey(deleted->key.id));
        // Right shape, right prefix, wrong secret.
        QString wrong = valid->fullKey;
        wrong[wrong.size() - 1] = wrong.endsWith(QLatin1Char('A')) ? QLatin1Char('B') : QLatin1Char('A');
        const QList<std::pair<const char*, QByteArray>> refused = {
            {"no key", QByteArray()},
            {"not bearer", "Basic " + valid->fullKey.toUtf8().toBase64()},
            {"wrong key", "Bearer " + wrong.toUtf8()},
            {"expired key", "Bearer " + expired->fullKey.toUtf8()},
            {"deleted key", "Bearer " + deleted->fullKey.toUtf8()},
        };

        // /api/v2 (Tailscale's API) refuses in Tailscale's shape, takes the key as Basic user name
        // too (Tailscale's Go client sends it so), and takes OAuth access tokens.
        const QList<std::pair<const char*, QByteArray>> refusedV2 = {
            {"no key", QByteArray()},
            {"wrong key as basic", "Basic " + (wrong + QLatin1Char(':')).toUtf8().toBase64()},
            {"wrong key", "Bearer " + wrong.toUtf8()},
            {"expired key", "Bearer " + expired->fullKey.toUtf8()},
            {"deleted key", "Bearer " + deleted->fullKey.toUtf8()},
            {"forged token", "Bearer keel-oauth-eyJjIjoiMSIsInMiOlsiYWxsIl0sImUiOiI5OTk5OTk5OTk5In0.AAAA"},
        };
        const auto isV2 = [](const QString& pattern) { return pattern.startsWith(QLatin1String("/api/v2/")); };

        QList<http::Router::RouteInfo> routes;
        // The public routes: the OpenAPI document describes the API and holds no data (Headscale
        // serves its swagger document without a key too); the OAuth token endpoint, where the client
        // secret is the credential. Checked below to answer without a key.
        const QString publicDocument = QStringLiteral("/api/v1/openapi.json");
        const QString tokenEndpoint = QStringLiteral("/api/v2/oauth/token");
        for (const auto& r : server.publicRouter().routes())
            if ((r.pattern.startsWith(QLatin1String("/api/")) || r.pattern.startsWith(QLatin1String("/debug/")))
                && r.pattern != publicDocument && r.pattern != tokenEndpoint)
                routes.append(r);
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.httpPort());
            QVERIFY(socket.waitForConnected(5000));
            const Answer a = call(socket, "GET", publicDocument, QByteArray());
            QCOMPARE(a.status, 200);
        }
        // An OAuth client with dns:read only: its token for every /api/v2 route below.
        const auto client = server.state()->createOAuthClient({QString(), {QStringLiteral("dns:read")}, {}}, state::Actor::system());
        QVERIFY(client);
        QByteArray dnsToken;
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.httpPort());
            QVERIFY(socket.waitForConnected(5000));
            const QByteArray form = "grant_type=client_credentials&client_secret=" + QUrl::toPercentEncoding(client->secret);
            socket.write("POST " + tokenEndpoint.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + QByteArray::number(form.size()) + "\r\n\r\n" + form);
            QByteArray in;
            (void)QTest::qWaitFor([&] { in += socket.readAll(); return socket.state() == QAbstractSocket::UnconnectedState; }, 10'000);
            in += socket.readAll();
            QVERIFY2(in.startsWith("HTTP/1.1 200"), in.constData());
            dnsToken = "Bearer " + QJsonDocument::fromJson(in.mid(in.indexOf("\r\n\r\n") + 4)).object().value(QStringLiteral("access_token")).toString().toUtf8();
        }
        QVERIFY2(routes.size() >= 25, qPrintable(QString::number(routes.size())));

        const auto counts = [&] {
            return QList<qsizetype>{store.listUsers()->size(), store.listNodes()->size(), store.listApiKeys()->size(),
                                    store.listPreAuthKeys(std::nullopt)->size()};
        };
        const auto before = counts();
        for (const auto& route : routes) {
            const QByteArray method = route.method.isEmpty() ? QByteArray("GET") : route.method;
            const QString path = fill(route.pattern);
            for (const auto& [what, authorization] : isV2(route.pattern) ? refusedV2 : refused) {
                QTcpSocket socket;
                socket.connectToHost(QHostAddress::LocalHost, server.httpPort());
                QVERIFY(socket.waitForConnected(5000));
                const Answer a = call(socket, method, path, authorization);
                const QByteArray expected = isV2(route.pattern) ? QByteArray("{\"message\":\"API token invalid\"}") : QByteArray("Unauthorized");
                QVERIFY2(a.status == 401 && a.body == expected,
                         qPrintable(QStringLiteral("%1 %2 with %3: %4 %5").arg(QString::fromLatin1(method), path,
                                    QString::fromLatin1(what)).arg(a.status).arg(QString::fromUtf8(a.body.left(200)))));
            }
            // A method the route does not take tells an unauthenticated caller nothing either.
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.httpPort());
            QVERIFY(socket.waitForConnected(5000));
            QCOMPARE(call(socket, "PATCH", path, {}).status, 401);
        }
        QCOMPARE(counts(), before);

        for (const auto& route : routes) {
            const QByteArray method = route.method.isEmpty() ? QByteArray("GET") : route.method;
            const QString path = fill(route.pattern);
            QTcpSocket tcp;
            tcp.connectToHost(QHostAddress::LocalHost, server.httpPort());
            QVERIFY(tcp.waitForConnected(5000));
            // The scheme is case-insensitive (RFC 9110 11.1).
            const Answer withKey = call(tcp, method, path, "bearer " + valid->fullKey.toUtf8());
            QVERIFY2(withKey.status > 0 && withKey.status != 401, qPrintable(QString::fromLatin1(method) + ' ' + path));
            QLocalSocket local;
            local.connectToServer(platform::localEndpointName(c.unixSocket));   // a named pipe on Windows
            QVERIFY(local.waitForConnected(5000));
            const Answer overSocket = call(local, method, path, {});
            QVERIFY2(overSocket.status > 0 && overSocket.status != 401, qPrintable(QString::fromLatin1(method) + ' ' + path));
            if (!isV2(route.pattern) || route.method.isEmpty())
                continue;
            // A dns:read token: the DNS reads only; every other /api/v2 route is 403.
            QTcpSocket scoped;
            scoped.connectToHost(QHostAddress::LocalHost, server.httpPort());
            QVERIFY(scoped.waitForConnected(5000));
            const Answer withToken = call(scoped, method, path, dnsToken);
            const bool dnsRead = method == "GET" && route.pattern.contains(QLatin1String("/dns/"));
            QVERIFY2(dnsRead ? withToken.status == 200 : withToken.status == 403,
                     qPrintable(QStringLiteral("%1 %2 with a dns:read token: %3").arg(QString::fromLatin1(method), path).arg(withToken.status)));
        }

        server.stop();
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules(QString());
        QVERIFY(!g_log.isEmpty());
        for (const QString& line : std::as_const(g_log)) {
            for (const QString& secret : {valid->fullKey, expired->fullKey, deleted->fullKey, wrong, client->secret})
                // The secret's last 32 characters: random, so never in a line by chance (the part after
                // the last '-' was not: the random alphabet has '-' too, and a 2-character tail is).
                QVERIFY2(!line.contains(secret.right(32)), qPrintable(line));
        }
    }
};

QTEST_GUILESS_MAIN(TestAuthzMatrix)
#include "tst_authzmatrix.moc"
