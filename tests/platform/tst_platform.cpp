// The platform layer (core/platform) through its portable interfaces: the same assertions hold for
// the POSIX implementation (Linux, macOS) and the Windows one (run under Wine by
// scripts/windows/build-keel.sh), except where a platform cannot tell (noted per case).
#include "platform/Endpoint.h"
#include "platform/Files.h"
#include "platform/Process.h"
#include "platform/Service.h"
#include "platform/Sockets.h"
#include "platform/UdpSocket.h"
#include "UnderWine.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QNetworkDatagram>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUdpSocket>

#ifdef Q_OS_WIN
#include <windows.h>
#include <aclapi.h>
#include <vector>
#endif

using namespace keel;

#ifdef Q_OS_WIN
using test::underWine;

// What owner-only means on Windows: a protected DACL (nothing inherited from the folder) with one
// entry, allowing the current user. Empty when so, else what differs. Not under Wine: it does not
// keep a file's DACL as set, but reports entries of its own made from the Unix mode (two entries,
// the first not the user's, and no "protected" flag); there only accessibleByOthers() is checked.
QString ownerOnlyAclProblem(const QString& path)
{
    const std::wstring native = QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()).toStdWString();
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (GetNamedSecurityInfoW(native.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS)
        return QStringLiteral("cannot read the ACL");
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision = 0;
    GetSecurityDescriptorControl(sd, &control, &revision);
    QStringList problems;
    if (!dacl)
        problems << QStringLiteral("no DACL (everyone has access)");
    else if (!(control & SE_DACL_PROTECTED))
        problems << QStringLiteral("the DACL inherits from the folder");
    if (dacl && dacl->AceCount != 1)
        problems << QStringLiteral("%1 ACL entries, not 1").arg(dacl->AceCount);
    if (dacl && dacl->AceCount >= 1) {
        HANDLE token = nullptr;
        OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token);
        DWORD size = 0;
        GetTokenInformation(token, TokenUser, nullptr, 0, &size);
        std::vector<char> buffer(size);
        GetTokenInformation(token, TokenUser, buffer.data(), size, &size);
        CloseHandle(token);
        void* ace = nullptr;
        GetAce(dacl, 0, &ace);
        const auto* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(ace);
        const PSID user = reinterpret_cast<const TOKEN_USER*>(buffer.data())->User.Sid;
        if (allowed->Header.AceType != ACCESS_ALLOWED_ACE_TYPE || !EqualSid(const_cast<DWORD*>(&allowed->SidStart), user))
            problems << QStringLiteral("the first entry is not an allow for the current user");
    }
    LocalFree(sd);
    return problems.join(QStringLiteral("; "));
}
#endif

// Qt's owner, group and other bits (its "user" bits describe the current user, whoever owns the file).
constexpr QFileDevice::Permissions kOwnerGroupOther(0x7077);

class TestPlatform : public QObject
{
    Q_OBJECT

private slots:
    void ownerOnlyFileIsCreatedOnceAndKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        QVERIFY(platform::createOwnerOnlyFile(path));
        QVERIFY(QFile::exists(path));
        QVERIFY(!platform::accessibleByOthers(path));
#ifdef Q_OS_UNIX
        QCOMPARE(QFile::permissions(path) & kOwnerGroupOther, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
#endif
#ifdef Q_OS_WIN
        if (!underWine())
            QCOMPARE(ownerOnlyAclProblem(path), QString());
#endif
        // An existing file keeps its content: create-only, never truncate.
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("data");
        f.close();
        QVERIFY(platform::createOwnerOnlyFile(path));
        QCOMPARE(QFileInfo(path).size(), 4);
    }

    void restrictToOwnerTakesGroupAndOthersAway()
    {
        QTemporaryDir dir;
        const QString sub = dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkdir(sub));
#ifdef Q_OS_UNIX
        QFile::setPermissions(sub, QFileDevice::Permissions(0x7055)); // 0755
        QVERIFY(platform::accessibleByOthers(sub));
#endif
        QVERIFY(platform::restrictToOwner(sub));
        QVERIFY(!platform::accessibleByOthers(sub));
#ifdef Q_OS_UNIX
        QCOMPARE(QFile::permissions(sub) & kOwnerGroupOther, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
#endif
#ifdef Q_OS_WIN
        if (!underWine())
            QCOMPARE(ownerOnlyAclProblem(sub), QString());
#endif
        // The owner can still use it.
        QFile inside(sub + QStringLiteral("/key"));
        QVERIFY(inside.open(QIODevice::WriteOnly));
        QVERIFY(!platform::restrictToOwner(dir.filePath(QStringLiteral("missing"))));
    }

    void adminEndpointAcceptsTheOwner()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("keel.sock"));
        QLocalServer server;
        QString error;
        QVERIFY2(platform::listenLocalEndpoint(server, path, 0770, &error), qPrintable(error));
#ifdef Q_OS_WIN
        QVERIFY(platform::localEndpointName(path).startsWith(QStringLiteral("keel-")));
        QVERIFY(!platform::localEndpointName(path).contains(QLatin1Char('\\')));
#else
        QCOMPARE(platform::localEndpointName(path), path);
        QCOMPARE(QFile::permissions(path) & kOwnerGroupOther, QFileDevice::Permissions(0x7070)); // 0770
#endif
        QLocalSocket client;
        client.connectToServer(platform::localEndpointName(path));
        QVERIFY(client.waitForConnected(5000));
        QVERIFY(server.waitForNewConnection(5000));
        QLocalSocket* accepted = server.nextPendingConnection();
        QVERIFY(accepted);
#ifdef Q_OS_WIN
        QCOMPARE(platform::localPeerUid(accepted->socketDescriptor()), qint64(-1));
#else
        QVERIFY(platform::localPeerUid(accepted->socketDescriptor()) >= 0);
#endif
    }

    void sendNowWritesToAConnectedSocket()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(client.waitForConnected(5000));
        QVERIFY(server.waitForNewConnection(5000));
        QTcpSocket* peer = server.nextPendingConnection();
        const QByteArray payload("hello, direct");
        QCOMPARE(platform::sendNow(peer->socketDescriptor(), payload.constData(), payload.size()), qint64(payload.size()));
        QTRY_COMPARE(client.bytesAvailable(), qint64(payload.size()));
        QCOMPARE(client.readAll(), payload);
        QCOMPARE(platform::sendNow(-1, payload.constData(), payload.size()), qint64(-1));
    }

    void udpSocketAnswersTheSender()
    {
        platform::UdpSocket socket;
        QString error;
        QVERIFY2(socket.bind(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        QVERIFY(socket.localPort() != 0);
        QCOMPARE(socket.localAddress(), QHostAddress(QHostAddress::LocalHost));
        QSocketNotifier notifier(socket.descriptor(), QSocketNotifier::Read);
        bool readable = false;
        // Notified once: Windows re-posts a socket's "readable" for as long as a datagram waits, and
        // this one is read only after the wait (Qt's dispatcher would otherwise never return).
        connect(&notifier, &QSocketNotifier::activated, this, [&] {
            readable = true;
            notifier.setEnabled(false);
        });

        QUdpSocket client;
        QVERIFY(client.bind(QHostAddress::LocalHost, 0));
        client.writeDatagram("ping", QHostAddress::LocalHost, socket.localPort());
        QTRY_VERIFY(readable);
        char buffer[64];
        platform::UdpSocket::Peer from;
        QCOMPARE(socket.receive(buffer, sizeof buffer, &from), qint64(4));
        QCOMPARE(QByteArray(buffer, 4), QByteArray("ping"));
        QCOMPARE(from.port, client.localPort());
        QCOMPARE(from.address, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(socket.receive(buffer, sizeof buffer, &from), qint64(-1)); // drained, does not block
        QVERIFY(socket.send("pong", 4, from));
        QTRY_VERIFY(client.hasPendingDatagrams());
        QCOMPARE(client.receiveDatagram().data(), QByteArray("pong"));
    }

    void processStatsReportWhatThePlatformKnows()
    {
        const platform::ProcessStats s = platform::processStats();
        QVERIFY(s.cpuSeconds && *s.cpuSeconds >= 0);
#if defined(Q_OS_LINUX) || defined(Q_OS_WIN)
        QVERIFY(s.residentBytes && *s.residentBytes > 0);
#ifdef Q_OS_WIN
        // Wine's GetProcessHandleCount answers 0 handles, which processStats() reports as unknown.
        if (underWine())
            QVERIFY(!s.openDescriptors);
        else
#endif
            QVERIFY(s.openDescriptors && *s.openDescriptors > 0);
        QVERIFY(s.startTimeSeconds);
        // Started within the last day, not in the future.
        const double now = double(QDateTime::currentSecsSinceEpoch());
        QVERIFY(*s.startTimeSeconds <= now + 5 && *s.startTimeSeconds > now - 86400);
#endif
    }

    void serviceVerbsExistOnlyOnWindows()
    {
        QString error;
#ifdef Q_OS_WIN
        QVERIFY(platform::service::supported());
        QVERIFY(platform::service::unsupportedMessage().isEmpty());
#else
        QVERIFY(!platform::service::supported());
        QVERIFY(!platform::service::install({}, &error));
        QVERIFY(error.contains(QStringLiteral("Windows")));
        QCOMPARE(error, platform::service::unsupportedMessage());
        int code = -1;
        QVERIFY(!platform::service::runUnderServiceManager([] { return 0; }, [] {}, &code));
        QCOMPARE(code, -1);
#endif
    }

    void openFileLimit()
    {
#ifdef Q_OS_WIN
        QCOMPARE(platform::raiseOpenFileLimit(), qint64(-1));
#else
        QVERIFY(platform::raiseOpenFileLimit() > 0);
#endif
    }
};

QTEST_GUILESS_MAIN(TestPlatform)
#include "tst_platform.moc"
