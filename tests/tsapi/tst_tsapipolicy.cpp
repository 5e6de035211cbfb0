// The policy file through Tailscale's API v2 over real HTTP: GET in HuJSON, JSON and the details
// form with an ETag; POST with If-Match (the ETag, "ts-default", a stale one); validation of a
// policy and of a list of tests against the policy in force.
#include "TsApiFixture.h"

#include <QJsonArray>
#include <QTest>

using namespace keel;

class TestTsApiPolicy : public QObject
{
    Q_OBJECT

    TsApiFixture f;
    QString m_server; // a node of alice's: the destination of the tests below

    TsAnswer post(const QByteArray& text, const QByteArray& ifMatch = {}, const QByteArray& accept = "application/hujson")
    {
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/hujson"}, {"Accept", accept}};
        if (!ifMatch.isEmpty())
            headers.append({"If-Match", ifMatch});
        return f.client().call("POST", QStringLiteral("/api/v2/tailnet/-/acl"), f.apiKey(), text, headers);
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(f.start(&error), qPrintable(error));
        store::User u;
        u.name = QStringLiteral("alice");
        u.email = QStringLiteral("alice@example.com");
        const auto alice = f.server().state()->createUser(u, state::Actor::system());
        QVERIFY(alice);
        const qint64 id = f.addNode(1, QStringLiteral("web"), alice->id);
        QVERIFY(id > 0);
        m_server = f.server().state()->snapshot()->node(id)->node.ipv4;
    }
    void cleanupTestCase() { f.stop(); }

    void defaultPolicyThenSetWithIfMatch()
    {
        // No policy yet: the allow-all default, replaceable with If-Match "ts-default".
        const TsAnswer first = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/acl"), f.apiKey(), {}, {{"Accept", "application/hujson"}});
        QCOMPARE(first.status, 200);
        QVERIFY(first.body.contains("\"acls\""));
        QVERIFY(!first.header("ETag").isEmpty());

        const QByteArray policy = "// the first policy\n{\n  \"acls\": [\n    {\"action\": \"accept\", \"src\": [\"alice@example.com\"], \"dst\": [\"*:22\"]},\n  ],\n}\n";
        const TsAnswer set = post(policy, "\"ts-default\"");
        QCOMPARE(set.status, 200);
        QCOMPARE(set.body, policy);  // HuJSON comes back as written, comments and all
        QCOMPARE(set.header("Content-Type"), QByteArray("application/hujson"));
        const QByteArray etag = set.header("ETag");
        QVERIFY(etag.startsWith('"') && etag != first.header("ETag"));
        QCOMPARE(f.server().state()->snapshot()->policy->source, policy);

        // "ts-default" no longer matches; a stale ETag neither; the current one does.
        const TsAnswer notDefault = post(policy, "\"ts-default\"");
        QCOMPARE(notDefault.status, 412);
        QCOMPARE(notDefault.message(), QStringLiteral("precondition failed, invalid old hash"));
        QCOMPARE(post(policy, first.header("ETag")).status, 412);
        const QByteArray second = "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:443\"]}]}";
        const TsAnswer ok = post(second, etag, "application/json");
        QCOMPARE(ok.status, 200);
        // JSON asked for: the document as JSON.
        QCOMPARE(ok.json().value(QStringLiteral("acls")).toArray().first().toObject().value(QStringLiteral("dst")).toArray().first().toString(), QStringLiteral("*:443"));

        // GET forms: JSON, HuJSON, details (base64 of the HuJSON), all with the same ETag.
        const TsAnswer asJson = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/acl"), f.apiKey(), {}, {{"Accept", "application/json"}});
        QVERIFY(asJson.json().contains(QStringLiteral("acls")));
        const TsAnswer asText = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/acl"), f.apiKey(), {}, {{"Accept", "application/hujson"}});
        QCOMPARE(asText.body, second);
        const TsAnswer details = f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/acl?details=true"), f.apiKey());
        QCOMPARE(QByteArray::fromBase64(details.json().value(QStringLiteral("acl")).toString().toLatin1()), second);
        QVERIFY(details.json().value(QStringLiteral("warnings")).isArray());
        QCOMPARE(asJson.header("ETag"), asText.header("ETag"));
        QCOMPARE(details.header("ETag"), asText.header("ETag"));
        QCOMPARE(asText.header("ETag"), ok.header("ETag"));
    }

    void invalidPolicyRefusedAndNothingChanges()
    {
        const QByteArray before = f.server().state()->snapshot()->policy->source;
        const TsAnswer bad = post("{\"acls\": [{\"action\": \"accept\", \"src\": [\"group:nobody\"], \"dst\": [\"*:*\"]}]}");
        QCOMPARE(bad.status, 400);
        QVERIFY(!bad.message().isEmpty());
        QCOMPARE(post("{ not json").status, 400);
        QCOMPARE(f.server().state()->snapshot()->policy->source, before);
    }

    void validate()
    {
        const auto validate = [this](const QByteArray& body) {
            return f.client().call("POST", QStringLiteral("/api/v2/tailnet/-/acl/validate"), f.apiKey(), body, {{"Content-Type", "application/json"}});
        };
        const QByteArray before = f.server().state()->snapshot()->policy->source;
        const TsAnswer good = validate("{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}");
        QCOMPARE(good.status, 200);
        QCOMPARE(good.json(), QJsonObject());
        const TsAnswer bad = validate("{\"acls\": [{\"action\": \"allow\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}");
        QCOMPARE(bad.status, 200);
        QVERIFY(!bad.message().isEmpty());
        QVERIFY(bad.json().value(QStringLiteral("data")).isArray());
        // A policy whose own tests fail.
        const TsAnswer failing = validate("{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:443\"]}],"
                                          " \"tests\": [{\"src\": \"alice@example.com\", \"accept\": [\"" + m_server.toUtf8() + ":22\"]}]}");
        QCOMPARE(failing.status, 200);
        QCOMPARE(failing.message(), QStringLiteral("test(s) failed"));
        // Tests alone run against the policy in force (which allows only 443).
        const TsAnswer testsFail = validate("[{\"src\": \"alice@example.com\", \"accept\": [\"" + m_server.toUtf8() + ":22\"]}]");
        QCOMPARE(testsFail.status, 200);
        QCOMPARE(testsFail.message(), QStringLiteral("test(s) failed"));
        QVERIFY2(!testsFail.body.contains("no such source"), testsFail.body.constData());
        const TsAnswer testsPass = validate("[{\"src\": \"alice@example.com\", \"accept\": [\"" + m_server.toUtf8() + ":443\"]}]");
        QCOMPARE(testsPass.status, 200);
        QCOMPARE(testsPass.json(), QJsonObject());
        QCOMPARE(f.server().state()->snapshot()->policy->source, before);
    }

    void readScopeCannotWrite()
    {
        const QByteArray reader = f.token(f.createClient({QStringLiteral("policy_file:read")}));
        QVERIFY(!reader.isEmpty());
        QCOMPARE(f.client().call("GET", QStringLiteral("/api/v2/tailnet/-/acl"), reader).status, 200);
        QCOMPARE(f.client().call("POST", QStringLiteral("/api/v2/tailnet/-/acl/validate"), reader, "{\"acls\": []}").status, 200);
        const TsAnswer refused = f.client().call("POST", QStringLiteral("/api/v2/tailnet/-/acl"), reader, "{\"acls\": []}");
        QCOMPARE(refused.status, 403);
        QVERIFY(refused.message().contains(QLatin1String("policy_file")));
        const QByteArray writer = f.token(f.createClient({QStringLiteral("policy_file")}));
        QCOMPARE(f.client().call("POST", QStringLiteral("/api/v2/tailnet/-/acl"), writer,
                                 "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}").status, 200);
    }
};

QTEST_GUILESS_MAIN(TestTsApiPolicy)
#include "tst_tsapipolicy.moc"
