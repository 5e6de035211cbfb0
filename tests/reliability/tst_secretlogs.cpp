// No secret ever appears in the server's log (issue 16). One `keel serve` at debug level runs
// through every path that handles one: a pre-auth key registering a node (and a wrong one refused),
// an API key used, refused when wrong, expired and refused again, an OAuth client's secret
// exchanged for an access token (and a wrong secret refused), the access token used, the Noise
// and DERP private keys it generates, the DERP mesh key and the OIDC client secret from its config.
// After a clean stop, the whole log is searched for every secret value and for the secret part of
// each (the part after the public prefix or client id; for other formats every segment of 16
// characters or more), so a partly logged key is caught too.
#include "Fleet.h"
#include "KeelProcess.h"

#include "admin/AdminClient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using keel::admin::AdminClient;
using keel::test::Fleet;
using keel::test::KeelProcess;

namespace {

QString randomHex(int bytes)
{
    QByteArray b(bytes, '\0');
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(b.data()), bytes / 4);
    return QString::fromLatin1(b.toHex());
}

struct HttpReply
{
    int status = 0;
    QByteArray body;
};

HttpReply send(const QByteArray& method, const QUrl& url, const QByteArray& body, const QList<QPair<QByteArray, QByteArray>>& headers)
{
    QNetworkAccessManager net;
    QNetworkRequest request(url);
    for (const auto& h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply* reply = net.sendCustomRequest(request, method, body);
    (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000);
    HttpReply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    delete reply;
    return r;
}

// The value itself, and each segment of it 16 characters or longer: the secret part of
// "hskey-auth-<prefix>-<secret>", "privkey:<hex>" and the like.
QStringList needles(const QString& secret)
{
    QStringList out{secret};
    // hskey-auth-<12 prefix>-<64 secret> and hskey-api-...: the prefix is public (lists show it),
    // the rest is the secret; both may contain '-'.
    for (const QLatin1String marker : {QLatin1String("hskey-auth-"), QLatin1String("hskey-api-")})
        if (secret.startsWith(marker))
            return out << secret.mid(marker.size() + 13);
    // tskey-client-<client id>-<secret>: the client id is public (the audit log names it).
    if (secret.startsWith(QLatin1String("tskey-client-")))
        return out << secret.section(QLatin1Char('-'), 3);
    for (const QString& part : secret.split(QRegularExpression(QStringLiteral("[-:_.]"))))
        if (part.size() >= 16 && part != secret)
            out << part;
    return out;
}

} // namespace

class TestSecretLogs : public QObject
{
    Q_OBJECT

private slots:
    void noSecretEverAppearsInTheLog()
    {
        KeelProcess keel;
        const QString meshKey = randomHex(32);
        const QString oidcSecret = QStringLiteral("oidc-") + randomHex(24);
        keel.writeConfig("log:\n  level: debug\n"
                         "derp:\n  urls: []\n  server:\n    enabled: true\n    verify_clients: true\n"
                         "    private_key_path: derp_private.key\n    mesh_key: " + meshKey.toUtf8() + "\n"
                         "    stun_listen_addr: 127.0.0.1:" + QByteArray::number(KeelProcess::freePort()) + "\n"
                         "oidc:\n  issuer: http://127.0.0.1:" + QByteArray::number(KeelProcess::freePort()) + "/idp\n"
                         "  client_id: keel\n  client_secret: " + oidcSecret.toUtf8() + "\n  only_start_if_oidc_is_available: false\n");
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(keel.port()));
        QStringList secrets{meshKey, oidcSecret};

        // Pre-auth keys: one registers a node, a near miss is refused.
        QCOMPARE(keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode, 0);
        const auto pak = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"), QStringLiteral("1"),
                                                  QStringLiteral("--reusable")});
        QVERIFY2(pak.exitCode == 0, pak.err.constData());
        const QString authKey = QString::fromUtf8(pak.out.trimmed());
        QString wrongAuthKey = authKey;
        wrongAuthKey[wrongAuthKey.size() - 1] = wrongAuthKey.endsWith(QLatin1Char('a')) ? QLatin1Char('b') : QLatin1Char('a');
        secrets << authKey << wrongAuthKey;
        Fleet fleet(authKey, keel.port());
        fleet.launch(2, 2);
        QString why;
        QVERIFY2(QTest::qWaitFor([&] { return fleet.acknowledged().size() == 2 && fleet.converged(1, &why); }, 60000), qPrintable(why));
        QVERIFY(!keel::test::authorized(keel::test::registerOnce(keel.port(), wrongAuthKey)));

        // API keys: used, a near miss refused, expired and refused.
        const auto api = keel.cli(c + QStringList{QStringLiteral("apikeys"), QStringLiteral("create")});
        QVERIFY2(api.exitCode == 0, api.err.constData());
        const QString apiKey = QString::fromUtf8(api.out.trimmed());
        QString wrongApiKey = apiKey;
        wrongApiKey[wrongApiKey.size() - 1] = wrongApiKey.endsWith(QLatin1Char('a')) ? QLatin1Char('b') : QLatin1Char('a');
        secrets << apiKey << wrongApiKey;
        QCOMPARE(AdminClient::forRemote(base, apiKey, false).get(QStringLiteral("/api/v1/user")).status, 200);
        QCOMPARE(AdminClient::forRemote(base, wrongApiKey, false).get(QStringLiteral("/api/v1/user")).status, 401);
        QVERIFY2(apiKey.startsWith(QLatin1String("hskey-api-")), qPrintable(apiKey.left(10)));
        const QString prefix = apiKey.mid(10, 12);
        const auto expired = keel.cli(c + QStringList{QStringLiteral("apikeys"), QStringLiteral("expire"), QStringLiteral("--prefix"), prefix});
        QVERIFY2(expired.exitCode == 0, (expired.out + expired.err).constData());
        QCOMPARE(AdminClient::forRemote(base, apiKey, false).get(QStringLiteral("/api/v1/user")).status, 401);

        // OAuth client: its secret for a token, the token used; a wrong secret refused.
        const auto oauth = keel.cli(c + QStringList{QStringLiteral("oauth-clients"), QStringLiteral("create"), QStringLiteral("--scopes"),
                                                    QStringLiteral("all:read"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(oauth.exitCode == 0, (oauth.out + oauth.err).constData());
        const QString clientSecret = oauth.json().object().value(QStringLiteral("clientSecret")).toString();
        QVERIFY2(!clientSecret.isEmpty(), oauth.out.constData());
        secrets << clientSecret;
        const QList<QPair<QByteArray, QByteArray>> form{{"Content-Type", "application/x-www-form-urlencoded"}};
        const HttpReply token = send("POST", QUrl(base.toString() + QStringLiteral("/api/v2/oauth/token")),
                                     "grant_type=client_credentials&client_secret=" + QUrl::toPercentEncoding(clientSecret), form);
        QVERIFY2(token.status == 200, token.body.constData());
        const QString accessToken = QJsonDocument::fromJson(token.body).object().value(QStringLiteral("access_token")).toString();
        QVERIFY(!accessToken.isEmpty());
        secrets << accessToken;
        const HttpReply devices = send("GET", QUrl(base.toString() + QStringLiteral("/api/v2/tailnet/-/devices")), {},
                                       {{"Authorization", "Bearer " + accessToken.toUtf8()}});
        QVERIFY2(devices.status == 200, devices.body.constData());
        QCOMPARE(send("POST", QUrl(base.toString() + QStringLiteral("/api/v2/oauth/token")),
                      "grant_type=client_credentials&client_secret=" + QUrl::toPercentEncoding(clientSecret + QStringLiteral("x")), form).status, 401);

        // The private keys the server generated.
        for (const char* file : {"noise_private.key", "derp_private.key"}) {
            QFile f(keel.dir() + QLatin1Char('/') + QLatin1String(file));
            QVERIFY2(f.open(QIODevice::ReadOnly), file);
            const QString text = QString::fromLatin1(f.readAll().trimmed());
            QVERIFY2(text.size() >= 32, file);
            secrets << text;
        }

        keel.stop();
        const QByteArray log = keel.serverLog();
        QVERIFY2(log.contains("debug") || log.contains("DEBUG") || log.size() > 2000, "the log is not at debug level");
        QStringList found;
        for (const QString& s : std::as_const(secrets))
            for (const QString& n : needles(s)) {
                const qsizetype at = log.indexOf(n.toUtf8());
                if (at < 0)
                    continue;
                // The whole line, so the failure says where the secret leaked.
                const qsizetype from = log.lastIndexOf('\n', at) + 1;
                const qsizetype to = log.indexOf('\n', at);
                found << QStringLiteral("%1 (of %2...) in: %3").arg(n, s.left(12), QString::fromUtf8(log.mid(from, to < 0 ? -1 : to - from)));
            }
        QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("secrets in the log: ") + found.join(QStringLiteral(", "))));
    }
};

QTEST_GUILESS_MAIN(TestSecretLogs)
#include "tst_secretlogs.moc"
