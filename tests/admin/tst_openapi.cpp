// The OpenAPI document of /api/v1 (admin/OpenApi) against the routes the admin API really
// registers: every route is documented and every documented operation exists, with its path
// parameters; the server serves the document without an API key.
#include "admin/AdminApi.h"
#include "admin/OpenApi.h"
#include "config/Config.h"
#include "state/State.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace keel;

class TestOpenApi : public QObject
{
    Q_OBJECT

private slots:
    void documentMatchesTheRouter()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        store::DatabaseOptions options;
        options.type = QStringLiteral("sqlite");
        options.sqlitePath = dir.filePath(QStringLiteral("db.sqlite"));
        QString error;
        auto store = store::Store::open(options, &error);
        QVERIFY2(store, qPrintable(error));
        config::Config config = config::Config::embeddedDefault(dir.path());
        config.policy.mode = QStringLiteral("database");
        auto state = state::State::load(*store, config, &error);
        QVERIFY2(state, qPrintable(error));
        admin::AdminContext context{*store, *state, config, {}, {}, {}, {}, {}, {}, {}};
        admin::AdminApi api(context);
        http::Router router;
        api.registerRoutes(router);

        QSet<QString> routed;
        for (const auto& [method, pattern] : router.routes())
            if (!method.isEmpty() && pattern.startsWith(QLatin1String("/api/v1/")))
                routed.insert(QString::fromLatin1(method) + QLatin1Char(' ') + pattern);
        QSet<QString> documented;
        const QJsonObject doc = admin::OpenApi::document(QStringLiteral("test"));
        const QJsonObject paths = doc.value("paths").toObject();
        static const QRegularExpression param(QStringLiteral("\\{([A-Za-z]+)\\}"));
        for (auto p = paths.begin(); p != paths.end(); ++p) {
            const QJsonObject item = p.value().toObject();
            for (auto m = item.begin(); m != item.end(); ++m) {
                documented.insert(m.key().toUpper() + QLatin1Char(' ') + p.key());
                // Each {name} of the path is a required path parameter of the operation.
                QStringList names;
                for (const QJsonValue& v : m.value().toObject().value("parameters").toArray())
                    names << v.toObject().value("name").toString();
                for (auto it = param.globalMatch(p.key()); it.hasNext();)
                    QVERIFY2(names.contains(it.next().captured(1)), qPrintable(p.key()));
                QVERIFY(!m.value().toObject().value("operationId").toString().isEmpty());
            }
        }
        const QSet<QString> undocumented = routed - documented;
        const QSet<QString> missing = documented - routed;
        QVERIFY2(undocumented.isEmpty(), qPrintable("routes without an OpenAPI entry (add a row to OpenApi::operations): "
                                                    + QStringList(undocumented.values()).join(", ")));
        QVERIFY2(missing.isEmpty(), qPrintable("documented but not routed: " + QStringList(missing.values()).join(", ")));
        QVERIFY(routed.size() >= 30);
        QCOMPARE(doc.value("openapi").toString(), QStringLiteral("3.0.3"));

        // Served without a key (a TCP request without Authorization).
        http::HttpRequest request;
        request.method = "GET";
        request.target = "/api/v1/openapi.json";
        request.transport = http::Transport::Tcp;
        const http::HttpResponse response = router.dispatch(request);
        QCOMPARE(response.status, 200);
        QCOMPARE(QJsonDocument::fromJson(response.body).object().value("paths").toObject().size(), paths.size());
        // ...while the operations keep their key check.
        request.target = "/api/v1/user";
        QCOMPARE(router.dispatch(request).status, 401);
    }
};

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
