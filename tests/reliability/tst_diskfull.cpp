// A full disk under a running `keel serve`: its SQLite database lives on a real 8 MiB tmpfs,
// mounted in a private mount namespace of this test (unshare(2): as root, or as a user through a
// user namespace), so nothing outside the test sees it and it goes away with the test. The disk is
// filled while nodes are connected: registrations get a clear, retryable error (503) and the log
// says the disk is full; connected nodes keep their streams; nothing already stored is lost or
// corrupted (PRAGMA integrity_check); and registrations work again as soon as space is freed,
// without a restart.
#include "Fleet.h"
#include "KeelProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <fcntl.h>
#include <functional>
#include <memory>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

using keel::test::Fleet;
using keel::test::KeelProcess;

namespace {

bool writeProcFile(const char* path, const QByteArray& text)
{
    const int fd = ::open(path, O_WRONLY);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.constData(), size_t(text.size())) == text.size();
    ::close(fd);
    return ok;
}

// A private mount namespace for this process and its children, with a tmpfs of `bytes` at `dir`.
QString mountSmallDisk(const QString& dir, qint64 bytes)
{
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (uid != 0) {
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
            return QStringLiteral("unshare(CLONE_NEWUSER|CLONE_NEWNS): %1").arg(QString::fromLocal8Bit(strerror(errno)));
        writeProcFile("/proc/self/setgroups", "deny");
        if (!writeProcFile("/proc/self/uid_map", "0 " + QByteArray::number(uid) + " 1")
            || !writeProcFile("/proc/self/gid_map", "0 " + QByteArray::number(gid) + " 1"))
            return QStringLiteral("cannot map this user into the new user namespace");
    } else if (::unshare(CLONE_NEWNS) != 0) {
        return QStringLiteral("unshare(CLONE_NEWNS): %1").arg(QString::fromLocal8Bit(strerror(errno)));
    }
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return QStringLiteral("making / private: %1").arg(QString::fromLocal8Bit(strerror(errno)));
    QDir().mkpath(dir);
    const QByteArray options = "size=" + QByteArray::number(bytes) + ",mode=0700";
    if (::mount("tmpfs", QFile::encodeName(dir).constData(), "tmpfs", 0, options.constData()) != 0)
        return QStringLiteral("mount -t tmpfs: %1").arg(QString::fromLocal8Bit(strerror(errno)));
    return {};
}

// Writes zeros into `path` until the file system refuses: the disk is full.
qint64 fillDisk(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return -1;
    const QByteArray chunk(64 * 1024, '\0');
    qint64 total = 0;
    for (;;) {
        const qint64 n = f.write(chunk);
        if (n <= 0 || !f.flush())
            break;
        total += n;
    }
    // The last bytes, one at a time, so that not even a page is left.
    while (f.write("x", 1) == 1 && f.flush())
        ++total;
    return total;
}

} // namespace

class TestDiskFull : public QObject
{
    Q_OBJECT

private slots:
    void registrationsDuringAFullDisk()
    {
        KeelProcess keel;
        const QString disk = keel.dir() + QStringLiteral("/disk");
        const QString mountError = mountSmallDisk(disk, 8 << 20);
        // Not a skip: without a real small file system this test would prove nothing.
        QVERIFY2(mountError.isEmpty(), qPrintable(QStringLiteral("a private tmpfs is needed for this test (unshare and mount "
                                                                 "must be allowed, e.g. kernel.unprivileged_userns_clone=1): ") + mountError));
        // Unmounted before `keel` removes its temporary directory (declared after it: runs first).
        const std::unique_ptr<void, std::function<void(void*)>> unmount(&keel, [&](void*) {
            keel.stop();
            ::umount2(QFile::encodeName(disk).constData(), MNT_DETACH);
        });
        keel.writeConfig("database:\n  type: sqlite\n  sqlite:\n    path: disk/db.sqlite\n");
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};
        QCOMPARE(keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode, 0);
        const auto key = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"),
                                                  QStringLiteral("1"), QStringLiteral("--reusable"), QStringLiteral("-e"), QStringLiteral("24h")});
        QVERIFY2(key.exitCode == 0, key.err.constData());
        const QString authKey = QString::fromUtf8(key.out.trimmed());
        const int n = 10;
        Fleet fleet(authKey, keel.port());
        fleet.launch(n, 5);
        QString why;
        QVERIFY2(QTest::qWaitFor([&] { return fleet.acknowledged().size() == n && fleet.converged(n - 1, &why); }, 120000), qPrintable(why));

        const QString filler = disk + QStringLiteral("/filler");
        QVERIFY(fillDisk(filler) > 0);
        // Registrations now fail, clearly and retryably, however many are tried.
        int refused = 0;
        for (int i = 0; i < 5; ++i) {
            const keel::test::Answer a = keel::test::registerOnce(keel.port(), authKey);
            QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
            if (a.status == 503 && a.body.contains("try again"))
                ++refused;
            else
                QVERIFY2(!keel::test::authorized(a), "a registration acknowledged on a full disk must be stored: see below");
        }
        QVERIFY2(refused > 0, "no registration was refused on a full disk");
        QVERIFY2(QTest::qWaitFor([&] { return keel.serverLog().contains("disk is full"); }, 10000), keel.serverLog().right(2000).constData());
        for (auto* node : fleet.nodes())
            QVERIFY2(!node->failed(), qPrintable(node->error()));

        // Space comes back: the next registration works, with the same server process.
        QVERIFY(QFile::remove(filler));
        const keel::test::Answer again = keel::test::registerOnce(keel.port(), authKey);
        QVERIFY2(keel::test::authorized(again), qPrintable(QStringLiteral("%1 %2 %3").arg(again.status).arg(QString::fromUtf8(again.body), again.error)));
        QVERIFY2(QTest::qWaitFor([&] { return fleet.converged(n, &why); }, 60000), qPrintable(why));

        // Nothing stored before was lost, and the file is sound.
        const auto listed = keel.cli(c + QStringList{QStringLiteral("nodes"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(listed.exitCode == 0, listed.err.constData());
        QCOMPARE(listed.json().array().size(), n + 1);
        keel.stop();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(disk + QStringLiteral("/db.sqlite"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM nodes")) && q.next());
            QCOMPARE(q.value(0).toInt(), n + 1);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
