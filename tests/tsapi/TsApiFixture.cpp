#include "TsApiFixture.h"

#include <QJsonArray>
#include <QUrlQuery>

using namespace keel;

bool TsApiFixture::start(QString* error, const std::function<void(config::Config&, const QString& dir)>& adjust)
{
    m_config = config::Config::embeddedDefault(m_dir.path());
    m_config.listenAddr = QStringLiteral("127.0.0.1:0");
    m_config.serverUrl = QStringLiteral("http://127.0.0.1");
    m_config.metricsListenAddr.clear();
    m_config.derp.urls.clear();
    m_config.derp.paths.clear();
    m_config.policy.mode = QStringLiteral("database");
    m_config.dns.baseDomain = QStringLiteral("example.test");
    m_config.dns.globalNameservers = {QStringLiteral("1.1.1.1"), QStringLiteral("9.9.9.9")};
    m_config.dns.searchDomains = {QStringLiteral("corp.example")};
    if (adjust)
        adjust(m_config, m_dir.path());
    m_server = std::make_unique<server::Server>(m_config);
    if (!m_server->start(error))
        return false;
    const auto key = m_server->state()->createApiKey(QDateTime::currentDateTimeUtc().addDays(1), state::Actor::system());
    if (!key) {
        *error = key.error().message;
        return false;
    }
    m_apiKey = "Bearer " + key->fullKey.toUtf8();
    return true;
}

void TsApiFixture::stop()
{
    if (m_server)
        m_server->stop();
}

QString TsApiFixture::createClient(const QStringList& scopes, const QStringList& tags, QJsonObject* reply)
{
    const TsAnswer a = client().json("POST", QStringLiteral("/api/v1/oauthclient"), m_apiKey,
                                     {{QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)},
                                      {QStringLiteral("tags"), QJsonArray::fromStringList(tags)},
                                      {QStringLiteral("description"), QStringLiteral("test client")}});
    if (reply)
        *reply = a.json();
    return a.json().value(QStringLiteral("clientSecret")).toString();
}

QByteArray TsApiFixture::token(const QString& secret, const QString& scope)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_id"), QStringLiteral("some-client-id"));
    form.addQueryItem(QStringLiteral("client_secret"), secret);
    if (!scope.isEmpty())
        form.addQueryItem(QStringLiteral("scope"), scope);
    const TsAnswer a = client().call("POST", QStringLiteral("/api/v2/oauth/token"), {}, form.toString(QUrl::FullyEncoded).toUtf8(),
                                     {{"Content-Type", "application/x-www-form-urlencoded"}});
    const QString t = a.json().value(QStringLiteral("access_token")).toString();
    return t.isEmpty() ? QByteArray() : "Bearer " + t.toUtf8();
}

qint64 TsApiFixture::userId(const QString& name)
{
    store::User u;
    u.name = name;
    u.email = name + QStringLiteral("@example.com");
    const auto created = m_server->state()->createUser(u, state::Actor::system());
    return created ? created->id : 0;
}

qint64 TsApiFixture::addNode(int n, const QString& hostname, std::optional<qint64> user, const QStringList& tags, const QStringList& routes)
{
    const auto key = [n](const char* prefix) {
        return QString::fromLatin1(prefix) + QStringLiteral("%1").arg(n, 64, 10, QLatin1Char('0'));
    };
    QJsonObject hi{{QStringLiteral("Hostname"), hostname}, {QStringLiteral("OS"), QStringLiteral("linux")},
                   {QStringLiteral("IPNVersion"), QStringLiteral("1.82.5")}};
    if (!routes.isEmpty())
        hi.insert(QStringLiteral("RoutableIPs"), QJsonArray::fromStringList(routes));
    state::NewNode spec;
    spec.machineKey = key("mkey:");
    spec.nodeKey = key("nodekey:");
    spec.hostinfoJson = QJsonDocument(hi).toJson(QJsonDocument::Compact);
    spec.userId = user;
    spec.tags = tags;
    spec.registerMethod = QStringLiteral("authkey");
    const auto created = m_server->state()->createNode(spec);
    return created ? created->node.id : 0;
}
