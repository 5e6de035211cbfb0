// Tailscale's API v2 over real HTTP against a real server: the OAuth token flow, scopes refused
// and allowed, and every device, key, user and DNS endpoint against the shapes of Tailscale's
// published reference (field names as its Go client reads them).
#include "TsApiFixture.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace keel;

namespace {

QByteArray basic(const QString& user, const QString& password = {})
{
    return "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64();
}

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& e : v.toArray())
        out << e.toString();
    return out;
}

} // namespace

class TestTsApi : public QObject
{
    Q_OBJECT

    TsApiFixture f;
    qint64 m_alice = 0;

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(f.start(&error), qPrintable(error));
        m_alice = f.userId(QStringLiteral("alice"));
        QVERIFY(m_alice > 0);
    }
    void cleanupTestCase() { f.stop(); }

    void tokenFlow()
    {
        QJsonObject created;
        const QString secret = f.createClient({QStringLiteral("dns:read"), QStringLiteral("users:read")}, {}, &created);
        // Tailscale's form: tskey-client-<id>-<random>, the id being the listed client id.
        const QStringList parts = secret.split(QLatin1Char('-'));
        QCOMPARE(parts.size(), 4);
        QCOMPARE(parts[0] + QLatin1Char('-') + parts[1], QStringLiteral("tskey-client"));
        QCOMPARE(parts[2], created.value(QStringLiteral("oauthClient")).toObject().value(QStringLiteral("clientId")).toString());
        // Stored hashed: the list never shows the secret.
        const TsAnswer list = f.client().call("GET", QStringLiteral("/api/v1/oauthclient"), f.apiKey());
        QCOMPARE(list.status, 200);
        QVERIFY(!list.body.contains(parts[3].toUtf8()));

        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
        form.addQueryItem(QStringLiteral("client_id"), parts[2]);
        form.addQueryItem(QStringLiteral("client_secret"), secret);
        const auto post = [&](const QUrlQuery& q, const QByteArray& authorization = {}) {
            return f.client().call("POST", QStringLiteral("/api/v2/oauth/token"), authorization, q.toString(QUrl::FullyEncoded).toUtf8(),
                                   {{"Content-Type", "application/x-www-form-urlencoded"}});
        };
        const TsAnswer a = post(form);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json().value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(a.json().value(QStringLiteral("expires_in")).toInt(), 3600);
        QCOMPARE(a.json().value(QStringLiteral("scope")).toString(), QStringLiteral("dns:read users:read"));
        QVERIFY(!a.json().value(QStringLiteral("access_token")).toString().isEmpty());

        // Basic credentials (RFC 6749 2.3.1), a narrower scope.
        QUrlQuery narrow;
        narrow.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
        narrow.addQueryItem(QStringLiteral("scope"), QStringLiteral("dns:read"));
        const TsAnswer b = post(narrow, basic(parts[2], secret));
        QCOMPARE(b.status, 200);
        QCOMPARE(b.json().value(QStringLiteral("scope")).toString(), QStringLiteral("dns:read"));
        const QByteArray narrowToken = "Bearer " + b.json().value(QStringLiteral("access_token")).toString().toUtf8();
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/dns/nameservers"), narrowToken).status, 200);
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/users"), narrowToken).status, 403);

        // A scope the client lacks, a wrong secret, another grant type.
        QUrlQuery wider = form;
        wider.addQueryItem(QStringLiteral("scope"), QStringLiteral("devices:core"));
        const TsAnswer c = post(wider);
        QCOMPARE(c.status, 400);
        QCOMPARE(c.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_scope"));
        QUrlQuery wrong;
        wrong.addQueryItem(QStringLiteral("client_secret"), secret.chopped(1) + (secret.endsWith(QLatin1Char('A')) ? QLatin1Char('B') : QLatin1Char('A')));
        const TsAnswer d = post(wrong);
        QCOMPARE(d.status, 401);
        QCOMPARE(d.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
        QUrlQuery password = form;
        password.removeAllQueryItems(QStringLiteral("grant_type"));
        password.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("password"));
        QCOMPARE(post(password).json().value(QStringLiteral("error")).toString(), QStringLiteral("unsupported_grant_type"));

        // Deleting the client ends its tokens.
        const QString rowId = created.value(QStringLiteral("oauthClient")).toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(f.client().call("DELETE", QStringLiteral("/api/v1/oauthclient/") + rowId, f.apiKey()).status, 200);
        const TsAnswer gone = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/dns/nameservers"), narrowToken);
        QCOMPARE(gone.status, 401);
        QCOMPARE(gone.message(), QStringLiteral("API token invalid"));
        QCOMPARE(post(form).status, 401);
    }

    void clientNeedsKnownScopesAndTagsWhereTailscaleDoes()
    {
        QJsonObject reply;
        QVERIFY(f.createClient({QStringLiteral("dns:write")}, {}, &reply).isEmpty());
        QVERIFY(f.createClient({QStringLiteral("auth_keys")}, {}, &reply).isEmpty());
        QVERIFY(!f.createClient({QStringLiteral("auth_keys")}, {QStringLiteral("tag:ci")}).isEmpty());
        QVERIFY(f.createClient({}, {}).isEmpty());
    }

    void apiKeysWorkAsTailscalesDo()
    {
        const QString key = QString::fromUtf8(f.apiKey().mid(7));
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/devices"), f.apiKey()).status, 200);
        // Tailscale's Go client: the key as the Basic user name, no password.
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/devices"), basic(key)).status, 200);
        const TsAnswer none = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/devices"), {});
        QCOMPARE(none.status, 401);
        QCOMPARE(none.message(), QStringLiteral("API token invalid"));
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/devices"), basic(key.chopped(2) + QStringLiteral("xx"))).status, 401);
    }

    void tailnetIsDashOrTheBaseDomain()
    {
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/example.test/devices"), f.apiKey()).status, 200);
        const TsAnswer other = f.client().call("GET", QStringLiteral("/api/v2/tailnet/elsewhere.com/devices"), f.apiKey());
        QCOMPARE(other.status, 404);
        QVERIFY(other.message().contains(QLatin1String("tailnet not found")));
        const TsAnswer unknown = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/webhooks"), f.apiKey());
        QCOMPARE(unknown.status, 404);
        QVERIFY(!unknown.message().isEmpty());
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/webhooks"), {}).status, 401);
    }

    void scopesRefusedAndAllowed()
    {
        const QByteArray core = f.token(f.createClient({QStringLiteral("devices:core")}, {QStringLiteral("tag:ci")}));
        QVERIFY(!core.isEmpty());
        const qint64 id = f.addNode(50, QStringLiteral("scoped"), m_alice);
        const QString device = QStringLiteral("/api/v2/device/%1").arg(id);
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/devices"), core).status, 200);
        QCOMPARE(f.client().call("GET", device, core).status, 200);
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/name"), core, {{QStringLiteral("name"), QStringLiteral("scoped2")}}).status, 200);
        // devices:core is not devices:routes, nor keys, nor the policy.
        const TsAnswer routes = f.client().call("GET", device + QStringLiteral("/routes"), core);
        QCOMPARE(routes.status, 403);
        QVERIFY(routes.message().contains(QLatin1String("devices:routes:read")));
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/keys"), core).status, 403);
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/acl"), core).status, 403);

        const QByteArray readAll = f.token(f.createClient({QStringLiteral("all:read")}));
        QCOMPARE(f.client().call("GET", device + QStringLiteral("/routes"), readAll).status, 200);
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/acl"), readAll).status, 200);
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/name"), readAll, {{QStringLiteral("name"), QStringLiteral("x")}}).status, 403);
        QCOMPARE(f.client().call("DELETE", device, readAll).status, 403);
        QVERIFY(f.server().state()->snapshot()->node(id));
        QCOMPARE(f.client().call("DELETE", device, core).status, 200);
        QVERIFY(!f.server().state()->snapshot()->node(id));
    }

    void devices()
    {
        const qint64 id = f.addNode(1, QStringLiteral("laptop"), m_alice, {}, {QStringLiteral("10.1.0.0/24"), QStringLiteral("10.2.0.0/24")});
        QVERIFY(id > 0);
        const TsAnswer list = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/devices"), f.apiKey());
        QCOMPARE(list.status, 200);
        QJsonObject d;
        for (const QJsonValue& v : list.json().value(QStringLiteral("devices")).toArray()) {
            if (v.toObject().value(QStringLiteral("id")).toString() == QString::number(id))
                d = v.toObject();
        }
        QVERIFY(!d.isEmpty());
        const state::LiveNode* live = f.server().state()->snapshot()->node(id);
        QCOMPARE(strings(d.value(QStringLiteral("addresses"))), (QStringList{live->node.ipv4, live->node.ipv6}));
        QCOMPARE(d.value(QStringLiteral("nodeId")).toString(), QString::number(id));
        QCOMPARE(d.value(QStringLiteral("user")).toString(), QStringLiteral("alice@example.com"));
        QCOMPARE(d.value(QStringLiteral("name")).toString(), QStringLiteral("laptop.example.test"));
        QCOMPARE(d.value(QStringLiteral("hostname")).toString(), QStringLiteral("laptop"));
        QCOMPARE(d.value(QStringLiteral("os")).toString(), QStringLiteral("linux"));
        QCOMPARE(d.value(QStringLiteral("clientVersion")).toString(), QStringLiteral("1.82.5"));
        QCOMPARE(d.value(QStringLiteral("nodeKey")).toString(), live->node.nodeKey);
        QCOMPARE(d.value(QStringLiteral("machineKey")).toString(), live->node.machineKey);
        QCOMPARE(d.value(QStringLiteral("authorized")).toBool(), true);
        QCOMPARE(d.value(QStringLiteral("isExternal")).toBool(), false);
        QVERIFY(d.value(QStringLiteral("tags")).isArray());
        QVERIFY(QDateTime::fromString(d.value(QStringLiteral("created")).toString(), Qt::ISODate).isValid());
        QCOMPARE(strings(d.value(QStringLiteral("advertisedRoutes"))), (QStringList{QStringLiteral("10.1.0.0/24"), QStringLiteral("10.2.0.0/24")}));
        QCOMPARE(strings(d.value(QStringLiteral("enabledRoutes"))), QStringList());

        const QString device = QStringLiteral("/api/v2/device/%1").arg(id);
        const TsAnswer one = f.client().call("GET", device, f.apiKey());
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json().value(QStringLiteral("name")), d.value(QStringLiteral("name")));

        // Routes: set replaces the enabled list; the reply has both lists.
        const TsAnswer set = f.client().json("POST", device + QStringLiteral("/routes"), f.apiKey(),
                                             {{QStringLiteral("routes"), QJsonArray{QStringLiteral("10.1.0.0/24")}}});
        QCOMPARE(set.status, 200);
        QCOMPARE(strings(set.json().value(QStringLiteral("enabledRoutes"))), QStringList{QStringLiteral("10.1.0.0/24")});
        QCOMPARE(strings(set.json().value(QStringLiteral("advertisedRoutes"))).size(), 2);
        QCOMPARE(f.server().state()->snapshot()->node(id)->node.approvedRoutes, QStringList{QStringLiteral("10.1.0.0/24")});
        const TsAnswer got = f.client().call("GET", device + QStringLiteral("/routes"), f.apiKey());
        QCOMPARE(got.json(), set.json());
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/routes"), f.apiKey(), {{QStringLiteral("routes"), QJsonArray{QStringLiteral("nonsense")}}}).status, 400);

        // Name: the FQDN form and the label form name the same thing.
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/name"), f.apiKey(), {{QStringLiteral("name"), QStringLiteral("work.example.test")}}).status, 200);
        QCOMPARE(f.server().state()->snapshot()->node(id)->node.givenName, QStringLiteral("work"));
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/name"), f.apiKey(), {{QStringLiteral("name"), QStringLiteral("bad_name!")}}).status, 400);

        // Key expiry off and on again.
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/key"), f.apiKey(), {{QStringLiteral("keyExpiryDisabled"), true}}).status, 200);
        QVERIFY(!f.server().state()->snapshot()->node(id)->node.expiry);
        QCOMPARE(f.client().call("GET", device, f.apiKey()).json().value(QStringLiteral("keyExpiryDisabled")).toBool(), true);
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/key"), f.apiKey(), {{QStringLiteral("keyExpiryDisabled"), false}}).status, 200);
        QVERIFY(f.server().state()->snapshot()->node(id)->node.expiry);
        QCOMPARE(f.client().call("GET", device, f.apiKey()).json().value(QStringLiteral("keyExpiryDisabled")).toBool(), false);

        // Tags: the node becomes tagged (owned by the tags).
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/tags"), f.apiKey(), {{QStringLiteral("tags"), QJsonArray{QStringLiteral("tag:server")}}}).status, 200);
        const QJsonObject tagged = f.client().call("GET", device, f.apiKey()).json();
        QCOMPARE(strings(tagged.value(QStringLiteral("tags"))), QStringList{QStringLiteral("tag:server")});
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/tags"), f.apiKey(), {{QStringLiteral("tags"), QJsonArray{QStringLiteral("server")}}}).status, 400);

        // Authorize (already authorized: stays so); deauthorize is refused with a reason.
        QCOMPARE(f.client().json("POST", device + QStringLiteral("/authorized"), f.apiKey(), {{QStringLiteral("authorized"), true}}).status, 200);
        const TsAnswer deauth = f.client().json("POST", device + QStringLiteral("/authorized"), f.apiKey(), {{QStringLiteral("authorized"), false}});
        QCOMPARE(deauth.status, 400);
        QVERIFY(!deauth.message().isEmpty());

        // Expire, then delete; afterwards 404 with Tailscale's error body.
        QCOMPARE(f.client().call("POST", device + QStringLiteral("/expire"), f.apiKey()).status, 200);
        QCOMPARE(f.client().call("DELETE", device, f.apiKey()).status, 200);
        const TsAnswer gone = f.client().call("GET", device, f.apiKey());
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.message(), QStringLiteral("device not found"));
        QCOMPARE(f.client().call("DELETE", device, f.apiKey()).status, 404);
    }

    void keys()
    {
        const QJsonObject request{{QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("devices"), QJsonObject{{QStringLiteral("create"), QJsonObject{
                                      {QStringLiteral("reusable"), true}, {QStringLiteral("ephemeral"), false}, {QStringLiteral("preauthorized"), true},
                                      {QStringLiteral("tags"), QJsonArray{QStringLiteral("tag:ci")}}}}}}}},
                                  {QStringLiteral("expirySeconds"), 86400}, {QStringLiteral("description"), QStringLiteral("dev access")}};
        const TsAnswer created = f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/keys"), f.apiKey(), request);
        QCOMPARE(created.status, 200);
        const QJsonObject k = created.json();
        const QString id = k.value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(k.value(QStringLiteral("keyType")).toString(), QStringLiteral("auth"));
        QCOMPARE(k.value(QStringLiteral("description")).toString(), QStringLiteral("dev access"));
        QCOMPARE(k.value(QStringLiteral("capabilities")), request.value(QStringLiteral("capabilities")));
        QCOMPARE(k.value(QStringLiteral("expirySeconds")).toInt(), 86400);
        const QDateTime createdAt = QDateTime::fromString(k.value(QStringLiteral("created")).toString(), Qt::ISODate);
        const QDateTime expires = QDateTime::fromString(k.value(QStringLiteral("expires")).toString(), Qt::ISODate);
        // Whole seconds on the wire; the expiry is computed just before the key is stored.
        QVERIFY(qAbs(createdAt.secsTo(expires) - 86400) <= 1);
        QCOMPARE(k.value(QStringLiteral("invalid")).toBool(), false);
        // The secret is a working pre-auth key.
        const QString secret = k.value(QStringLiteral("key")).toString();
        const auto valid = f.server().state()->validPreAuthKey(secret);
        QVERIFY(valid);
        QVERIFY(valid->reusable && valid->preApproved && !valid->ephemeral);
        QCOMPARE(valid->tags, QStringList{QStringLiteral("tag:ci")});

        const TsAnswer list = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/keys"), f.apiKey());
        QCOMPARE(list.status, 200);
        bool listed = false;
        for (const QJsonValue& v : list.json().value(QStringLiteral("keys")).toArray())
            listed = listed || v.toObject().value(QStringLiteral("id")).toString() == id;
        QVERIFY(listed);
        QVERIFY(!list.body.contains(secret.toUtf8()));
        const TsAnswer one = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/keys/") + id, f.apiKey());
        QCOMPARE(one.status, 200);
        QVERIFY(!one.json().contains(QStringLiteral("key")));
        QCOMPARE(one.json().value(QStringLiteral("capabilities")), request.value(QStringLiteral("capabilities")));

        QCOMPARE(f.client().call("DELETE", QStringLiteral("/api/v2/tailnet/-/keys/") + id, f.apiKey()).status, 200);
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/keys/") + id, f.apiKey()).status, 404);
        QVERIFY(!f.server().state()->validPreAuthKey(secret));

        // Refusals: no tags (nobody would own the nodes), too long, not an auth key.
        QJsonObject untagged = request;
        untagged.insert(QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("devices"), QJsonObject{{QStringLiteral("create"), QJsonObject{}}}}});
        QCOMPARE(f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/keys"), f.apiKey(), untagged).status, 400);
        QJsonObject tooLong = request;
        tooLong.insert(QStringLiteral("expirySeconds"), 91 * 86400);
        QCOMPARE(f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/keys"), f.apiKey(), tooLong).status, 400);
        QJsonObject client = request;
        client.insert(QStringLiteral("keyType"), QStringLiteral("client"));
        QCOMPARE(f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/keys"), f.apiKey(), client).status, 400);
    }

    void oauthKeysCarryTheClientsTags()
    {
        const QByteArray token = f.token(f.createClient({QStringLiteral("auth_keys")}, {QStringLiteral("tag:k8s")}));
        const auto keyWith = [](const QString& tag) {
            return QJsonObject{{QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("devices"), QJsonObject{{QStringLiteral("create"), QJsonObject{
                {QStringLiteral("ephemeral"), true}, {QStringLiteral("tags"), QJsonArray{tag}}}}}}}}};
        };
        const TsAnswer ok = f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/keys"), token, keyWith(QStringLiteral("tag:k8s")));
        QCOMPARE(ok.status, 200);
        QVERIFY(ok.json().value(QStringLiteral("key")).toString().startsWith(QLatin1String("hskey-auth-")));
        const TsAnswer refused = f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/keys"), token, keyWith(QStringLiteral("tag:admin")));
        QCOMPARE(refused.status, 400);
        QVERIFY(refused.message().contains(QLatin1String("tag:admin")));
        // The audit log names the client.
        const auto audit = f.server().state()->auditLog({});
        QVERIFY(audit);
        bool named = false;
        for (const auto& e : *audit)
            named = named || (e.actor.startsWith(QLatin1String("oauth:k")) && e.action == QLatin1String("preauthkey.create"));
        QVERIFY(named);
    }

    void users()
    {
        const TsAnswer list = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/users"), f.apiKey());
        QCOMPARE(list.status, 200);
        QJsonObject alice;
        for (const QJsonValue& v : list.json().value(QStringLiteral("users")).toArray()) {
            if (v.toObject().value(QStringLiteral("id")).toString() == QString::number(m_alice))
                alice = v.toObject();
        }
        QCOMPARE(alice.value(QStringLiteral("loginName")).toString(), QStringLiteral("alice@example.com"));
        QCOMPARE(alice.value(QStringLiteral("displayName")).toString(), QStringLiteral("alice"));
        QCOMPARE(alice.value(QStringLiteral("type")).toString(), QStringLiteral("member"));
        QCOMPARE(alice.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        QCOMPARE(alice.value(QStringLiteral("tailnetId")).toString(), QStringLiteral("example.test"));
        QVERIFY(alice.value(QStringLiteral("deviceCount")).isDouble());
        QVERIFY(alice.value(QStringLiteral("currentlyConnected")).isBool());
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/users?type=shared"), f.apiKey()).json().value(QStringLiteral("users")).toArray().size(), 0);
        const TsAnswer one = f.client().call("GET", QStringLiteral("/api/v2/users/%1").arg(m_alice), f.apiKey());
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json().value(QStringLiteral("loginName")), alice.value(QStringLiteral("loginName")));
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/users/999999"), f.apiKey()).status, 404);
    }

    void dns()
    {
        const TsAnswer ns = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/dns/nameservers"), f.apiKey());
        QCOMPARE(ns.json(), (QJsonObject{{QStringLiteral("dns"), QJsonArray{QStringLiteral("1.1.1.1"), QStringLiteral("9.9.9.9")}}}));
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/dns/searchpaths"), f.apiKey()).json(),
                 (QJsonObject{{QStringLiteral("searchPaths"), QJsonArray{QStringLiteral("corp.example")}}}));
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/dns/preferences"), f.apiKey()).json(),
                 (QJsonObject{{QStringLiteral("magicDNS"), true}}));
        // Restating the configuration succeeds; changing it is refused with the key to edit.
        const TsAnswer same = f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/dns/nameservers"), f.apiKey(),
                                              {{QStringLiteral("dns"), QJsonArray{QStringLiteral("1.1.1.1"), QStringLiteral("9.9.9.9")}}});
        QCOMPARE(same.status, 200);
        QCOMPARE(same.json().value(QStringLiteral("magicDNS")).toBool(), true);
        const TsAnswer other = f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/dns/nameservers"), f.apiKey(),
                                               {{QStringLiteral("dns"), QJsonArray{QStringLiteral("8.8.8.8")}}});
        QCOMPARE(other.status, 400);
        QVERIFY(other.message().contains(QLatin1String("dns.nameservers.global")));
        QCOMPARE(f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/dns/preferences"), f.apiKey(), {{QStringLiteral("magicDNS"), true}}).status, 200);
        QCOMPARE(f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/dns/preferences"), f.apiKey(), {{QStringLiteral("magicDNS"), false}}).status, 400);
        QCOMPARE(f.client().json("POST", QStringLiteral("/api/v2/tailnet/-/dns/searchpaths"), f.apiKey(),
                                 {{QStringLiteral("searchPaths"), QJsonArray{QStringLiteral("corp.example")}}}).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestTsApi)
#include "tst_tsapi.moc"
