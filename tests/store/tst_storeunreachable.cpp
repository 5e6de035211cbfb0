// A PostgreSQL server that does not answer in time must not hold the caller's thread (often the
// control thread) for long (issue 16). A host that drops packets (a black hole) is found out within
// a second, refused at once while it stays silent, and tried again in the background until it
// answers; the black hole is a real listening socket on loopback whose accept queue is full and
// never drained: the kernel drops further SYNs, exactly as for a host that is gone. A lock that
// another session holds fails the write after lock_timeout instead of holding it.
#include "store/Connection.h"
#include "store/HostReachability.h"
#include "store/Store.h"
#include "TempDatabase.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#ifdef Q_OS_LINUX
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <vector>

using namespace keel::store;

namespace {

#ifdef Q_OS_LINUX
// A loopback port that accepts nothing more: listen(backlog 0) takes one connection into its queue,
// which nobody accepts; every later SYN is dropped. open() ends it: connects are refused from then on.
class BlackHole
{
public:
    BlackHole()
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(m_listener, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(m_listener, 0) != 0
            || ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            return;
        m_port = ntohs(a.sin_port);
        // Fill the queue: connect until a connect stays in progress (its SYN dropped).
        for (int i = 0; i < 8; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            m_fillers.push_back(fd);
            ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
            QTest::qWait(100);
            int err = 0;
            socklen_t errLen = sizeof err;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errLen);
            char peer[sizeof(sockaddr_in)];
            socklen_t peerLen = sizeof peer;
            if (err == 0 && ::getpeername(fd, reinterpret_cast<sockaddr*>(peer), &peerLen) != 0) {
                m_full = true;   // still connecting: the hole is black
                break;
            }
        }
    }
    ~BlackHole() { open(); }
    quint16 port() const { return m_port; }
    bool isBlack() const { return m_full; }
    void open()
    {
        for (int fd : m_fillers)
            ::close(fd);
        m_fillers.clear();
        if (m_listener >= 0)
            ::close(m_listener);
        m_listener = -1;
    }

private:
    int m_listener = -1;
    quint16 m_port = 0;
    bool m_full = false;
    std::vector<int> m_fillers;
};
#endif

} // namespace

class TestStoreUnreachable : public QObject
{
    Q_OBJECT

private slots:
    void onlyTcpHostsAreChecked()
    {
        QVERIFY(HostReachability::applies(QStringLiteral("db.example.net")));
        QVERIFY(HostReachability::applies(QStringLiteral("10.0.0.5")));
        QVERIFY(!HostReachability::applies(QString()));                            // libpq's default socket
        QVERIFY(!HostReachability::applies(QStringLiteral("/var/run/postgresql")));  // a socket directory
        QVERIFY(!HostReachability::applies(QStringLiteral("a.example,b.example")));  // a libpq host list
    }

    void blackHoledHostIsRefusedAtOnceAndTriedInTheBackground()
    {
#ifndef Q_OS_LINUX
        QSKIP("the black hole is a Linux accept queue");
#else
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            QSKIP("Qt's PostgreSQL driver is not installed");
        BlackHole hole;
        QVERIFY(hole.port() != 0);
        if (!hole.isBlack())
            QSKIP("this kernel did not leave a connect to a full accept queue waiting");

        DatabaseOptions options;
        options.type = QStringLiteral("postgres");
        options.pgHost = QStringLiteral("127.0.0.1");
        options.pgPort = hole.port();
        options.pgName = options.pgUser = QStringLiteral("keel");
        Connection connection(options);

        // A statement failed, the store reconnects: found silent in about a second, not after
        // libpq's connect_timeout (10 s).
        QString error;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!connection.reopen(&error).isOpen());
        const qint64 firstMs = timer.elapsed();
        QVERIFY2(firstMs < 5000, qPrintable(QStringLiteral("%1 ms").arg(firstMs)));
        QVERIFY2(error.contains(QLatin1String("does not answer")), qPrintable(error));

        // While it stays silent every open and reconnect, from any thread, fails at once.
        timer.restart();
        for (int i = 0; i < 20; ++i) {
            QVERIFY(!connection.database(&error).isOpen());
            QVERIFY(!connection.reopen(&error).isOpen());
        }
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("40 refusals took %1 ms").arg(timer.elapsed())));
        QString otherError;
        QThread* other = QThread::create([&] {
            QVERIFY(!connection.database(&otherError).isOpen());
            connection.releaseThread();
        });
        timer.restart();
        other->start();
        QVERIFY(other->wait(5000));
        delete other;
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
        QVERIFY2(otherError.contains(QLatin1String("does not answer")), qPrintable(otherError));

        // The host answers again (here: it refuses, as a host without PostgreSQL running does). The
        // background check sees it, and the next reconnect is libpq's own attempt, with its error.
        hole.open();
        timer.restart();
        QStringList errors;
        while (timer.elapsed() < 15000) {
            QVERIFY(!connection.reopen(&error).isOpen());
            if (errors.isEmpty() || errors.last() != error)
                errors << error;
            if (error.contains(QLatin1String("refused"), Qt::CaseInsensitive))
                break;
            QTest::qWait(100);
        }
        QVERIFY2(error.contains(QLatin1String("refused"), Qt::CaseInsensitive), qPrintable(errors.join(QLatin1String(" | "))));
#endif
    }

    void aLockHeldElsewhereFailsTheWriteInsteadOfHoldingIt()
    {
        keel::test::TempDatabase tmp(QStringLiteral("postgres"));
        KEEL_REQUIRE_DATABASE(tmp);
        DatabaseOptions options = tmp.options();
        options.pgLockTimeoutMs = 1000;   // 10 s by default
        QString error;
        auto store = Store::open(options, &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(store->createUser(User{.name = QStringLiteral("alice")}).ok());

        // Another session (an operator's psql, another instance's long transaction) holds the table.
        const QString name = QStringLiteral("keel.test.locker");
        {
            QSqlDatabase other = tmp.addSession(name);
            QVERIFY2(other.open(), qPrintable(other.lastError().text()));
            QSqlQuery q(other);
            QVERIFY(q.exec(QStringLiteral("SET search_path TO %1").arg(options.pgSchema)));
            QVERIFY(q.exec(QStringLiteral("BEGIN")));
            QVERIFY2(q.exec(QStringLiteral("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")), qPrintable(q.lastError().text()));

            QElapsedTimer timer;
            timer.start();
            const auto refused = store->createUser(User{.name = QStringLiteral("bob")});
            const qint64 waited = timer.elapsed();
            QVERIFY(!refused.ok());
            QVERIFY2(refused.error().message.contains(QLatin1String("lock timeout")), qPrintable(refused.error().message));
            QVERIFY2(waited >= 900 && waited < 8000, qPrintable(QStringLiteral("%1 ms").arg(waited)));

            QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
        }
        QSqlDatabase::removeDatabase(name);
        // The same store and connection carry on once the lock is gone.
        QVERIFY(store->createUser(User{.name = QStringLiteral("bob")}).ok());
    }
};

QTEST_GUILESS_MAIN(TestStoreUnreachable)
#include "tst_storeunreachable.moc"
