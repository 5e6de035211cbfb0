// Typed keys: text forms, parse errors, zero keys, comparison, generation, and the key file.
#include "crypto/Keys.h"
#include "crypto/PrivateKeyFile.h"
#include "platform/Files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_WIN
#include <windows.h>
#include <aclapi.h>
#endif

using namespace keel::crypto;

namespace {

// Opens `path` to every user: the "other" read or write bit on POSIX; on Windows (where Qt's
// setPermissions only toggles the read-only attribute) an ACL entry for Everyone.
bool openToEveryone(const QString& path, bool write)
{
#ifdef Q_OS_WIN
    const std::wstring native = QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()).toStdWString();
    PACL old = nullptr;
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (GetNamedSecurityInfoW(native.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &old, nullptr, &sd) != ERROR_SUCCESS)
        return false;
    SID_IDENTIFIER_AUTHORITY world = SECURITY_WORLD_SID_AUTHORITY;
    PSID everyone = nullptr;
    AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &everyone);
    EXPLICIT_ACCESSW access{};
    access.grfAccessPermissions = write ? FILE_GENERIC_WRITE : FILE_GENERIC_READ;
    access.grfAccessMode = GRANT_ACCESS;
    access.Trustee.TrusteeForm = TRUSTEE_IS_SID;
    access.Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
    access.Trustee.ptstrName = static_cast<LPWSTR>(everyone);
    PACL acl = nullptr;
    bool ok = SetEntriesInAclW(1, &access, old, &acl) == ERROR_SUCCESS
        && SetNamedSecurityInfoW(const_cast<LPWSTR>(native.c_str()), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
               nullptr, acl, nullptr) == ERROR_SUCCESS;
    LocalFree(acl);
    LocalFree(sd);
    FreeSid(everyone);
    return ok;
#else
    return QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner
            | (write ? QFileDevice::WriteOther : QFileDevice::ReadOther));
#endif
}

} // namespace

class TestKeys : public QObject {
    Q_OBJECT

private slots:
    void textRoundTrip();
    void uppercaseAcceptedLowercaseWritten();
    void parseErrors_data();
    void parseErrors();
    void prefixesAreDistinct();
    void zeroKey();
    void knownPublicFromPrivate();
    void generate();
    void privateText();
    void keyFileCreate();
    void keyFileReadForms_data();
    void keyFileReadForms();
    void keyFileRefusesOthers();
    void keyFileRefusesMalformed_data();
    void keyFileRefusesMalformed();
    void keyFileNeverOverwrites();

private:
    QTemporaryDir m_dir;
};

static const QString kHex = QStringLiteral("07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c");

void TestKeys::textRoundTrip()
{
    const std::optional<MachinePublic> m = MachinePublic::parse(QStringLiteral("mkey:") + kHex);
    QVERIFY(m);
    QCOMPARE(m->toString(), QStringLiteral("mkey:") + kHex);
    QCOMPARE(m->toByteArray().toHex(), kHex.toLatin1());
    const std::optional<NodePublic> n = NodePublic::parse(QStringLiteral("nodekey:") + kHex);
    QVERIFY(n);
    QCOMPARE(n->toString(), QStringLiteral("nodekey:") + kHex);
    const std::optional<DiscoPublic> d = DiscoPublic::parse(QStringLiteral("discokey:") + kHex);
    QVERIFY(d);
    QCOMPARE(d->toString(), QStringLiteral("discokey:") + kHex);
    QVERIFY(MachinePublic::fromBytes(m->toByteArray()) == *m);
    QVERIFY(!MachinePublic::fromBytes(QByteArray(31, 'x')));
}

void TestKeys::uppercaseAcceptedLowercaseWritten()
{
    const std::optional<NodePublic> n = NodePublic::parse(QStringLiteral("nodekey:") + kHex.toUpper());
    QVERIFY(n);
    QCOMPARE(n->toString(), QStringLiteral("nodekey:") + kHex);
}

void TestKeys::parseErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << QString() << QStringLiteral("does not start with \"nodekey:\"");
    QTest::newRow("wrong prefix") << QStringLiteral("mkey:") + kHex << QStringLiteral("does not start with \"nodekey:\"");
    QTest::newRow("prefix case") << QStringLiteral("NODEKEY:") + kHex << QStringLiteral("does not start");
    QTest::newRow("prefix only") << QStringLiteral("nodekey:") << QStringLiteral("0 hex digits, want 64");
    QTest::newRow("short") << QStringLiteral("nodekey:") + kHex.left(63) << QStringLiteral("63 hex digits, want 64");
    QTest::newRow("long") << QStringLiteral("nodekey:") + kHex + QLatin1Char('0') << QStringLiteral("65 hex digits");
    QTest::newRow("non-hex") << QStringLiteral("nodekey:") + kHex.left(10) + QLatin1Char('g') + kHex.mid(11)
                             << QStringLiteral("non-hex character at position 10");
    QTest::newRow("space") << QStringLiteral("nodekey: ") + kHex.left(63) << QStringLiteral("position 0");
    QTest::newRow("unicode") << QStringLiteral("nodekey:") + kHex.left(63) + QChar(0x00e9) << QStringLiteral("position 63");
}

void TestKeys::parseErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    QString error;
    QVERIFY(!NodePublic::parse(text, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(!NodePublic::parse(text)); // no error pointer: must not crash
}

void TestKeys::prefixesAreDistinct()
{
    QVERIFY(!DiscoPublic::parse(QStringLiteral("nodekey:") + kHex));
    QVERIFY(!MachinePublic::parse(QStringLiteral("discokey:") + kHex));
    QVERIFY(!ChallengePublic::parse(QStringLiteral("mkey:") + kHex));
    QVERIFY(ChallengePublic::parse(QStringLiteral("chalpub:") + kHex));
    QVERIFY(!MachinePrivate::parse(QStringLiteral("mkey:") + kHex));
}

void TestKeys::zeroKey()
{
    const NodePublic zero;
    QVERIFY(zero.isZero());
    // Zero keys are still written with their prefix (the client sends OldNodeKey that way).
    QCOMPARE(zero.toString(), QStringLiteral("nodekey:") + QString(64, QLatin1Char('0')));
    const std::optional<NodePublic> parsed = NodePublic::parse(zero.toString());
    QVERIFY(parsed && parsed->isZero());
    QVERIFY(!NodePublic::parse(QStringLiteral("nodekey:") + kHex)->isZero());
}

void TestKeys::knownPublicFromPrivate()
{
    // control.md 2.10: client machine private 01..20 -> public 07a37cbc...
    const std::optional<MachinePrivate> priv =
        MachinePrivate::parse(QStringLiteral("privkey:0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));
    QVERIFY(priv);
    QCOMPARE(priv->publicKey().toString(), QStringLiteral("mkey:") + kHex);
}

void TestKeys::generate()
{
    const NodePrivate a = NodePrivate::generate();
    const NodePrivate b = NodePrivate::generate();
    QVERIFY(!a.isZero());
    QVERIFY(a != b);
    QVERIFY(a.publicKey() != b.publicKey());
    QVERIFY(a.publicKey() == a.publicKey());
    // Clamped like Go's key.NewNode.
    QCOMPARE(a.raw()[0] & 7, 0);
    QCOMPARE(a.raw()[31] & 0xc0, 0x40);
    // Copies compare equal; a moved-from key is wiped.
    NodePrivate c = a;
    QVERIFY(c == a);
    NodePrivate d = std::move(c);
    QVERIFY(d == a);
    QVERIFY(c.isZero()); // NOLINT(bugprone-use-after-move): wiping is the behaviour under test
}

void TestKeys::privateText()
{
    const MachinePrivate k = MachinePrivate::generate();
    const QString text = k.toString();
    QVERIFY(text.startsWith(QLatin1String("privkey:")));
    QCOMPARE(text.size(), 8 + 64);
    QVERIFY(MachinePrivate::parse(text) == k);
}

void TestKeys::keyFileCreate()
{
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(QStringLiteral("sub/dir/noise_private.key"));
    QString error;
    const std::optional<MachinePrivate> created = loadOrCreatePrivateKeyFile(path, &error);
    QVERIFY2(created, qPrintable(error));
    QFile file(path);
    QVERIFY(!keel::platform::accessibleByOthers(path));
#ifndef Q_OS_WIN // Qt's bits are the mode on POSIX; on Windows they do not describe the ACL
    const QFileDevice::Permissions perms = file.permissions();
    QVERIFY(perms.testFlag(QFileDevice::ReadOwner) && perms.testFlag(QFileDevice::WriteOwner));
    QVERIFY(!(perms & (QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                       | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther)));
#endif
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QCOMPARE(content, created->toString().toLatin1()); // Headscale's form, no newline
    const std::optional<MachinePrivate> again = loadOrCreatePrivateKeyFile(path, &error);
    QVERIFY2(again, qPrintable(error));
    QVERIFY(*again == *created);
}

void TestKeys::keyFileReadForms_data()
{
    QTest::addColumn<QByteArray>("content");
    const QByteArray hex = "4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60";
    QTest::newRow("headscale") << QByteArray("privkey:" + hex);
    QTest::newRow("newline") << QByteArray("privkey:" + hex + "\n");
    QTest::newRow("whitespace") << QByteArray("  privkey:" + hex + " \r\n");
    QTest::newRow("legacy bare hex") << QByteArray(hex + "\n");
}

void TestKeys::keyFileReadForms()
{
    QFETCH(QByteArray, content);
    const QString path = m_dir.filePath(QStringLiteral("form-%1.key").arg(QTest::currentDataTag()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    file.write(content);
    file.close();
    QString error;
    const std::optional<MachinePrivate> key = readPrivateKeyFile(path, &error);
    QVERIFY2(key, qPrintable(error));
    QCOMPARE(key->publicKey().toByteArray().toHex(), QByteArray("64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466"));
}

void TestKeys::keyFileRefusesOthers()
{
    const QString path = m_dir.filePath(QStringLiteral("open.key"));
    QString error;
    QVERIFY(writePrivateKeyFile(path, MachinePrivate::generate(), &error));
    QVERIFY(readPrivateKeyFile(path, &error)); // as created: owner-only
    QVERIFY(openToEveryone(path, false));
    QVERIFY(!loadOrCreatePrivateKeyFile(path, &error));
    QVERIFY2(error.contains(QLatin1String("accessible by other users")), qPrintable(error));
    const QString writable = m_dir.filePath(QStringLiteral("open-write.key"));
    QVERIFY(writePrivateKeyFile(writable, MachinePrivate::generate(), &error));
    QVERIFY(openToEveryone(writable, true));
    QVERIFY(!readPrivateKeyFile(writable, &error));
#ifndef Q_OS_WIN
    // Group-readable is the admin's choice (e.g. a service group) and is accepted.
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup));
    QVERIFY2(readPrivateKeyFile(path, &error), qPrintable(error));
#endif
}

void TestKeys::keyFileRefusesMalformed_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("malformed");
    QTest::newRow("short") << QByteArray("privkey:abcd") << QStringLiteral("4 hex digits, want 64");
    QTest::newRow("wrong prefix") << QByteArray("mkey:" + QByteArray(64, 'a')) << QStringLiteral("malformed");
    QTest::newRow("binary") << QByteArray(32, '\x01') << QStringLiteral("malformed");
    QTest::newRow("zero key") << QByteArray("privkey:" + QByteArray(64, '0')) << QStringLiteral("all-zero");
    QTest::newRow("huge") << QByteArray(10000, 'a') << QStringLiteral("too large");
}

void TestKeys::keyFileRefusesMalformed()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, mentions);
    const QString path = m_dir.filePath(QStringLiteral("bad-%1.key").arg(QTest::currentDataTag()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    file.write(content);
    file.close();
    QString error;
    QVERIFY(!loadOrCreatePrivateKeyFile(path, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(error.contains(path));
    // The bad file is left alone, never replaced by a fresh key.
    QFile check(path);
    QVERIFY(check.open(QIODevice::ReadOnly));
    QCOMPARE(check.readAll(), content);
}

void TestKeys::keyFileNeverOverwrites()
{
    const QString path = m_dir.filePath(QStringLiteral("exists.key"));
    QString error;
    QVERIFY(writePrivateKeyFile(path, MachinePrivate::generate(), &error));
    QVERIFY(!writePrivateKeyFile(path, MachinePrivate::generate(), &error));
    QVERIFY(error.contains(QLatin1String("cannot create")));
}

QTEST_GUILESS_MAIN(TestKeys)
#include "tst_keys.moc"
