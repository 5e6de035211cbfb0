// "No silent keys": every key of the schema either has an effect (something outside core/config
// reads it) or says it has none (a warning) or is refused as unsupported (an error). The test
// enumerates the schema, so a new key without an entry in config/KeyEffects fails here, and it
// scans the sources, so a key marked "no effect" that gains a reader (or a "used" key that loses
// it) fails too.
#include "config/ConfigLoader.h"
#include "config/KeyEffects.h"
#include "config/KeySchema.h"
#include "TestPaths.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace keel::config;

namespace {

QProcessEnvironment cleanEnv()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), QDir::tempPath());
    return env;
}

// The sources that may read a Config value: everything but the config module itself and the
// reload diff (which compares every key without acting on it).
const QList<QPair<QString, QString>>& sources()
{
    static const QList<QPair<QString, QString>> files = [] {
        QList<QPair<QString, QString>> out;
        for (const char* dir : {"core", "daemon", "gui"}) {
            QDirIterator it(QStringLiteral(KEEL_SOURCE_DIR "/") + QLatin1String(dir), {QStringLiteral("*.cpp"), QStringLiteral("*.h")},
                            QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                if (path.contains(QLatin1String("/core/config/")) || path.endsWith(QLatin1String("/ConfigReload.cpp")))
                    continue;
                QFile f(path);
                if (f.open(QIODevice::ReadOnly))
                    out << qMakePair(path.mid(int(sizeof(KEEL_SOURCE_DIR))), QString::fromUtf8(f.readAll()));
            }
        }
        return out;
    }();
    return files;
}

QString readerOf(const KeyEffects::Entry& e)
{
    const QRegularExpression re(QString::fromLatin1(e.reader));
    for (const auto& [path, text] : sources())
        if (re.match(text).hasMatch())
            return path;
    return {};
}

bool has(const LoadResult& r, Diagnostic::Severity severity, const QString& key, const QString& text)
{
    for (const Diagnostic& d : r.diagnostics)
        if (d.severity == severity && d.keyPath == key && d.message.contains(text))
            return true;
    return false;
}

const QByteArray kBase = "server_url: https://keel.example.com\ndns:\n  base_domain: tailnet.example.org\n  override_local_dns: false\n";

} // namespace

class TestKeyEffects : public QObject
{
    Q_OBJECT

private slots:
    void everySchemaKeyIsClassified()
    {
        QStringList missing;
        for (const KeySchema::Key& k : KeySchema::keys())
            if (!KeyEffects::find(QLatin1String(k.path)))
                missing << QLatin1String(k.path);
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("keys with no entry in core/config/KeyEffects.cpp (say what each does): ")
                                               + missing.join(QStringLiteral(", "))));
        for (const KeyEffects::Entry& e : KeyEffects::entries())
            QVERIFY2(KeySchema::find(QLatin1String(e.path)), e.path);
        QVERIFY(!sources().isEmpty());
    }

    void readersMatchTheClassification_data()
    {
        QTest::addColumn<QString>("path");
        for (const KeyEffects::Entry& e : KeyEffects::entries())
            QTest::newRow(e.path) << QString::fromLatin1(e.path);
    }

    void readersMatchTheClassification()
    {
        QFETCH(QString, path);
        const KeyEffects::Entry* e = KeyEffects::find(path);
        QVERIFY(QRegularExpression(QString::fromLatin1(e->reader)).isValid());
        const QString reader = readerOf(*e);
        if (e->status == KeyEffects::Status::Used) {
            QVERIFY2(!reader.isEmpty(), qPrintable(path + QStringLiteral(" is marked used but nothing outside core/config matches /")
                                                   + QLatin1String(e->reader) + QStringLiteral("/: mark it NoEffect or Unsupported")));
        } else {
            QVERIFY2(reader.isEmpty(), qPrintable(path + QStringLiteral(" is marked as having no effect, but ") + reader
                                                  + QStringLiteral(" reads it: mark it KEEL_USED in core/config/KeyEffects.cpp")));
            QVERIFY(e->asks);
            QVERIFY(qstrlen(e->reason) > 10);
        }
    }

    void ineffectiveKeysWarnAndUnsupportedOnesAreRefused()
    {
        const QByteArray yaml = kBase + "grpc_listen_addr: 127.0.0.1:50443\ndisable_check_updates: false\n"
                                        "database:\n  gorm:\n    prepare_stmt: true\n"
                                        "tuning:\n  batcher_workers: 8\n  batch_change_delay: 500ms\n"
                                        "tls_letsencrypt_hostname: keel.example.com\ntls_letsencrypt_challenge_type: TLS-ALPN-01\n"
                                        "listen_addr: 0.0.0.0:443\nacme_email: ops@example.com\n";
        const LoadResult r = ConfigLoader::loadFromText(yaml, QStringLiteral("c.yaml"), cleanEnv());
        QVERIFY(has(r, Diagnostic::Severity::Warning, QStringLiteral("grpc_listen_addr"), QStringLiteral("has no effect")));
        QVERIFY(has(r, Diagnostic::Severity::Warning, QStringLiteral("disable_check_updates"), QStringLiteral("never checks")));
        QVERIFY(has(r, Diagnostic::Severity::Warning, QStringLiteral("database.gorm.prepare_stmt"), QStringLiteral("GORM")));
        QVERIFY(has(r, Diagnostic::Severity::Warning, QStringLiteral("tuning.batcher_workers"), QStringLiteral("has no effect")));
        QVERIFY(r.ok());
        // A key that works says nothing (ACME works since core/acme).
        for (const Diagnostic& d : r.diagnostics)
            QVERIFY2(d.keyPath != QLatin1String("tuning.batch_change_delay") && !d.keyPath.startsWith(QLatin1String("tls_"))
                         && !d.keyPath.startsWith(QLatin1String("acme_")),
                     qPrintable(d.toString()));
    }

    void harmlessValuesStayQuiet()
    {
        // Values that ask for nothing Keel lacks: Headscale's defaults, false, empty.
        const QByteArray yaml = kBase + "grpc_allow_insecure: false\ndisable_check_updates: true\ntls_letsencrypt_hostname: \"\"\n"
                                        "tuning:\n  batcher_workers: 0\n  node_store_batch_size: 100\n"
                                        "preauth_keys:\n  revoked_retention: 168h\noidc:\n  issuer: \"\"\n";
        const LoadResult r = ConfigLoader::loadFromText(yaml, QStringLiteral("c.yaml"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(r.diagnostics.isEmpty() ? QString() : r.diagnostics.first().toString()));
        QStringList keys;
        for (const Diagnostic& d : r.diagnostics)
            keys << d.toString();
        QVERIFY2(r.diagnostics.isEmpty(), qPrintable(keys.join(QLatin1Char('\n'))));
    }

    void environmentOverridesAreCheckedToo()
    {
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("HEADSCALE_GRPC_LISTEN_ADDR"), QStringLiteral("0.0.0.0:50443"));
        const LoadResult r = ConfigLoader::loadFromText(kBase, QStringLiteral("c.yaml"), env);
        QVERIFY(has(r, Diagnostic::Severity::Warning, QStringLiteral("grpc_listen_addr"), QStringLiteral("has no effect")));
    }

    void headscaleExampleListsWhatHasNoEffect()
    {
        const LoadResult r = ConfigLoader::loadFile(keel::test::testdataPath(QStringLiteral("headscale-configs/config-example-v0.29.2.yaml")), cleanEnv());
        QVERIFY(r.ok());
        QVERIFY(has(r, Diagnostic::Severity::Warning, QStringLiteral("grpc_listen_addr"), QStringLiteral("no gRPC")));
        QVERIFY(has(r, Diagnostic::Severity::Warning, QStringLiteral("database.gorm.slow_threshold"), QStringLiteral("GORM")));
    }
};

QTEST_GUILESS_MAIN(TestKeyEffects)
#include "tst_keyeffects.moc"
