// Keel Manager keeps a remote server's API key in the system keychain (SecretStore over
// QtKeychain), never in its settings. Tested against a real Secret Service: a private D-Bus session
// bus and gnome-keyring-daemon (its login keyring created and unlocked with a test password), both
// started by this test inside its temporary HOME and stopped at the end. Without dbus-daemon or
// gnome-keyring-daemon the test fails (scripts/setup.sh --test installs them); it never skips.
#include "app/ConnectionChoice.h"
#include "app/SecretStore.h"

#include <QDirIterator>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace keel;

class TestGuiKeychain : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    QProcess m_bus;
    QProcess m_keyring;

    // Every file under the temporary HOME that holds `needle` in plain text.
    QStringList filesContaining(const QByteArray& needle) const
    {
        QStringList hits;
        for (QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
                hits << f.fileName();
        }
        return hits;
    }

    static QPair<QString, QString> read(gui::SecretStore& store, const QString& account)
    {
        bool done = false;
        QPair<QString, QString> result;
        store.read(account, [&](const QString& secret, const QString& error) {
            result = {secret, error};
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, 20000))
            result.second = QStringLiteral("no answer from the keychain");
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        const QString home = m_home.path();
        for (const char* dir : {"/.local/share", "/.config", "/.cache", "/run"})
            QVERIFY(QDir().mkpath(home + QLatin1String(dir)));
        QFile::setPermissions(home + QStringLiteral("/run"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("HOME", home.toUtf8());
        qputenv("XDG_DATA_HOME", (home + QStringLiteral("/.local/share")).toUtf8());
        qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/.config")).toUtf8());
        qputenv("XDG_CACHE_HOME", (home + QStringLiteral("/.cache")).toUtf8());
        qputenv("XDG_RUNTIME_DIR", (home + QStringLiteral("/run")).toUtf8());
        qputenv("XDG_CURRENT_DESKTOP", "GNOME");   // QtKeychain picks the Secret Service for it

        // A session bus of our own; its address goes into this process's environment before the
        // first D-Bus connection, so the keychain talks to it and to nothing of the machine's.
        const QString busPath = home + QStringLiteral("/run/bus");
        m_bus.setProgram(QStringLiteral("dbus-daemon"));
        m_bus.setArguments({QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--nopidfile"),
                            QStringLiteral("--address=unix:path=") + busPath, QStringLiteral("--print-address=1")});
        m_bus.start();
        QVERIFY2(m_bus.waitForStarted(5000), "dbus-daemon is missing (apt install dbus-daemon; scripts/setup.sh --test)");
        QVERIFY(QTest::qWaitFor([&] { return m_bus.canReadLine(); }, 10000));
        const QByteArray address = m_bus.readLine().trimmed();
        QVERIFY2(address.startsWith("unix:"), address.constData());
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);

        // gnome-keyring-daemon reads the login password on stdin: it creates the login keyring with
        // it and unlocks it, then serves org.freedesktop.secrets on the bus above. In the
        // foreground, so it stays this test's child and is stopped at the end.
        m_keyring.setProgram(QStringLiteral("gnome-keyring-daemon"));
        m_keyring.setArguments({QStringLiteral("--foreground"), QStringLiteral("--unlock"), QStringLiteral("--components=secrets")});
        m_keyring.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        m_keyring.start();
        QVERIFY2(m_keyring.waitForStarted(5000), "gnome-keyring-daemon is missing (apt install gnome-keyring; scripts/setup.sh --test)");
        m_keyring.write("keel-test-password");
        m_keyring.closeWriteChannel();
        // Ready when its name is on the bus (asked with dbus-send, a few times a second).
        const auto serving = [&address] {
            QProcess ask;
            ask.start(QStringLiteral("dbus-send"), {QStringLiteral("--bus=") + QString::fromUtf8(address), QStringLiteral("--print-reply"),
                                                    QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/"),
                                                    QStringLiteral("org.freedesktop.DBus.ListNames")});
            return ask.waitForFinished(5000) && ask.readAllStandardOutput().contains("org.freedesktop.secrets");
        };
        QVERIFY2(QTest::qWaitFor([&] { return serving() || m_keyring.state() != QProcess::Running; }, 15000) && m_keyring.state() == QProcess::Running,
                 (m_keyring.readAllStandardOutput() + m_keyring.readAllStandardError()).constData());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("keel-test"));
        QCoreApplication::setApplicationName(QStringLiteral("keel-manager-keychain-test"));
    }

    void cleanupTestCase()
    {
        for (QProcess* p : {&m_keyring, &m_bus}) {
            p->terminate();
            if (!p->waitForFinished(5000))
                p->kill();
            p->waitForFinished(2000);
        }
    }

    void apiKeyGoesToTheKeychainNotTheSettings()
    {
        const QString account = QStringLiteral("https://keel.example.com:8443");
        const QString key = QStringLiteral("hskey-api-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
        gui::SecretStore store;
        bool written = false;
        QString error = QStringLiteral("no answer from the keychain");
        store.write(account, key, [&](const QString& e) {
            error = e;
            written = true;
        });
        QVERIFY(QTest::qWaitFor([&] { return written; }, 20000));
        QVERIFY2(error.isEmpty(), qPrintable(error));

        // What the window saves about the connection: the URL, not the key.
        gui::ConnectionChoice choice;
        choice.mode = gui::ConnectionChoice::Mode::Remote;
        choice.url = QUrl(account);
        choice.save();
        QSettings().sync();

        // A second store (as after a restart) reads it back from the keyring.
        gui::SecretStore again;
        const auto [secret, readError] = read(again, account);
        QVERIFY2(readError.isEmpty(), qPrintable(readError));
        QCOMPARE(secret, key);

        // The keyring holds it encrypted; no file under HOME has it in plain text (settings included).
        QVERIFY2(!QDir(m_home.path() + QStringLiteral("/.local/share/keyrings")).isEmpty(), "no keyring was written");
        const QStringList plain = filesContaining(key.toUtf8());
        QVERIFY2(plain.isEmpty(), qPrintable(plain.join(QLatin1Char(' '))));
        QCOMPARE(gui::ConnectionChoice::load().url, QUrl(account));

        // Forgetting the server removes the entry.
        again.remove(account);
        QVERIFY(QTest::qWaitFor([&] { return read(again, account).first.isEmpty(); }, 20000));
        QVERIFY(read(again, account).second.isEmpty());   // "not found" is no error
    }
};

QTEST_GUILESS_MAIN(TestGuiKeychain)
#include "tst_gui_keychain.moc"
