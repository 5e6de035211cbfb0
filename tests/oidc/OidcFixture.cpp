#include "OidcFixture.h"

#include "ChildProcess.h"
#include "KeelProcess.h"

#include "http/Http2ClientStream.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

namespace keel::test {

ProviderProcess::ProviderProcess()
    : m_port(KeelProcess::freePort())
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

ProviderProcess::~ProviderProcess()
{
    stop();
}

QString ProviderProcess::scriptDir(QString* why)
{
    const QString dir = QStringLiteral(KEEL_OIDC_TEST_DIR);
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty()) {
        *why = QStringLiteral("node (Node.js) is not installed: run scripts/setup.sh --test");
        return {};
    }
    if (!QFile::exists(dir + QStringLiteral("/node_modules/oidc-provider/package.json"))) {
        *why = QStringLiteral("%1/node_modules lacks oidc-provider: run scripts/setup.sh --test").arg(dir);
        return {};
    }
    return dir;
}

bool ProviderProcess::start(const QJsonArray& clients, const QJsonObject& accounts, QString* error)
{
    m_clients = clients;
    m_accounts = accounts;
    return restart(error);
}

bool ProviderProcess::restart(QString* error)
{
    stop();
    const QString dir = scriptDir(error);
    if (dir.isEmpty())
        return false;
    const QString config = m_dir.filePath(QStringLiteral("provider.json"));
    QFile f(config);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(QJsonDocument(QJsonObject{{"port", m_port}, {"issuer", issuer()}, {"clients", m_clients}, {"accounts", m_accounts}}).toJson());
    f.close();
    m_process.setWorkingDirectory(dir);
    keel::test::dieWithTest(m_process);
    m_process.start(QStringLiteral("node"), {dir + QStringLiteral("/provider.mjs"), config});
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        if (m_process.state() == QProcess::NotRunning && timer.elapsed() > 100) {
            *error = QStringLiteral("the provider exited:\n") + QString::fromUtf8(log());
            return false;
        }
        m_process.waitForReadyRead(100);
        m_log += m_process.readAll();
        if (m_log.contains("listening " + issuer().toUtf8()))
            return true;
    }
    *error = QStringLiteral("the provider did not start:\n") + QString::fromUtf8(log());
    return false;
}

void ProviderProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
    m_log += m_process.readAll();
    m_log.replace("listening " + issuer().toUtf8(), "(was) listening");
}

QByteArray ProviderProcess::log()
{
    m_log += m_process.readAll();
    return m_log;
}

QJsonObject ProviderProcess::post(const QString& path, const QByteArray& body)
{
    // A plain HTTP/1.0 exchange: the test's event loop may be busy elsewhere.
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_port);
    if (!s.waitForConnected(5000))
        return {};
    const QByteArray method = path.startsWith(QLatin1String("/test/stats")) ? "GET" : "POST";
    s.write(method + ' ' + path.toUtf8() + " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QByteArray reply;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(5000))
        reply += s.readAll();
    reply += s.readAll();
    return QJsonDocument::fromJson(reply.mid(reply.indexOf("\r\n\r\n") + 4)).object();
}

bool ProviderProcess::tamperNextToken(const QString& mode)
{
    return post(QStringLiteral("/test/tamper?mode=") + mode, {}).value("tamper").toString() == mode;
}

bool ProviderProcess::setAccount(const QString& login, const QJsonObject& claims)
{
    m_accounts[login] = claims; // also after a restart
    return !post(QStringLiteral("/test/account?login=") + login, QJsonDocument(claims).toJson(QJsonDocument::Compact)).isEmpty();
}

int ProviderProcess::jwksFetches()
{
    const QJsonObject o = post(QStringLiteral("/test/stats"), {});
    return o.contains("jwks") ? o.value("jwks").toInt() : -1;
}

// --- TestMachine

namespace {

QString randomNodeKey()
{
    QString hex;
    for (int i = 0; i < 32; ++i)
        hex += QStringLiteral("%1").arg(QRandomGenerator::global()->bounded(256), 2, 16, QLatin1Char('0'));
    return QStringLiteral("nodekey:") + hex;
}

} // namespace

TestMachine::TestMachine(const QString& hostname)
    : m_key(crypto::MachinePrivate::generate())
    , m_hostname(hostname)
    , m_nodeKey(randomNodeKey())
{
}

bool TestMachine::connect(quint16 port)
{
    m_client = std::make_unique<control::ControlClient>(m_key);
    m_client->connectToServer(QStringLiteral("127.0.0.1"), port);
    return QTest::qWaitFor([this] { return m_client->state() == control::ControlClient::State::Connected; }, 15000);
}

void TestMachine::rotateNodeKey()
{
    m_oldNodeKey = m_nodeKey;
    m_nodeKey = randomNodeKey();
}

QJsonObject TestMachine::Call::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QJsonObject TestMachine::registerBody(bool withOldKey) const
{
    QJsonObject body{{"Version", 115}, {"NodeKey", m_nodeKey},
                     {"Hostinfo", QJsonObject{{"Hostname", m_hostname}, {"OS", "linux"}, {"IPNVersion", "1.82.5"}}}};
    if (withOldKey && !m_oldNodeKey.isEmpty())
        body.insert("OldNodeKey", m_oldNodeKey);
    return body;
}

std::shared_ptr<TestMachine::Call> TestMachine::send(const QByteArray& path, const QJsonObject& body)
{
    auto call = std::make_shared<Call>();
    auto* s = m_client->request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [call](int st, const http::Http2Headers&) { call->status = st; });
    QObject::connect(s, &http::Http2ClientStream::dataReceived, s, [call](const QByteArray& c) { call->body += c; });
    QObject::connect(s, &http::Http2ClientStream::finished, s, [call] { call->done = true; });
    QObject::connect(s, &http::Http2ClientStream::failed, s, [call] { call->done = true; });
    return call;
}

std::shared_ptr<TestMachine::Call> TestMachine::get(const QByteArray& path)
{
    auto call = std::make_shared<Call>();
    auto* s = m_client->request("GET", path);
    QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [call](int st, const http::Http2Headers&) { call->status = st; });
    QObject::connect(s, &http::Http2ClientStream::dataReceived, s, [call](const QByteArray& c) { call->body += c; });
    QObject::connect(s, &http::Http2ClientStream::finished, s, [call] { call->done = true; });
    QObject::connect(s, &http::Http2ClientStream::failed, s, [call] { call->done = true; });
    return call;
}

QString TestMachine::startLogin(QJsonObject* reply, bool withOldKey)
{
    auto call = send("/machine/register", registerBody(withOldKey));
    (void)QTest::qWaitFor([call] { return call->done; }, 10000);
    if (reply)
        *reply = call->json();
    return call->json().value("AuthURL").toString();
}

std::shared_ptr<TestMachine::Call> TestMachine::followup(const QString& authUrl, bool withOldKey)
{
    QJsonObject body = registerBody(withOldKey);
    body.insert("Followup", authUrl);
    return send("/machine/register", body);
}

QJsonObject TestMachine::fetchMap()
{
    auto call = send("/machine/map", {{"Version", 115}, {"NodeKey", m_nodeKey}, {"Stream", false},
                                      {"Hostinfo", QJsonObject{{"Hostname", m_hostname}, {"OS", "linux"}}}});
    (void)QTest::qWaitFor([call] { return call->done; }, 10000);
    if (call->body.size() < 4)
        return {};
    return QJsonDocument::fromJson(call->body.mid(4)).object(); // 4-byte little-endian length, then JSON
}

} // namespace keel::test
