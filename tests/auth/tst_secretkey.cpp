#include "auth/SecretHasher.h"
#include "auth/SecretKey.h"

#include <QRegularExpression>
#include <QSet>
#include <QtTest>

using keel::auth::SecretHasher;
using keel::auth::SecretKey;

Q_DECLARE_METATYPE(SecretKey::Kind)
Q_DECLARE_METATYPE(SecretKey::Format)

class TestSecretKey : public QObject
{
    Q_OBJECT

private slots:
    void generatedKeysHaveHeadscaleFormat_data()
    {
        QTest::addColumn<SecretKey::Kind>("kind");
        QTest::addColumn<QString>("pattern");
        QTest::newRow("preauth") << SecretKey::Kind::PreAuth
                                 << QStringLiteral("^hskey-auth-[A-Za-z0-9_-]{12}-[A-Za-z0-9_-]{64}$");
        QTest::newRow("api") << SecretKey::Kind::Api << QStringLiteral("^hskey-api-[A-Za-z0-9_-]{12}-[A-Za-z0-9_-]{64}$");
    }

    void generatedKeysHaveHeadscaleFormat()
    {
        QFETCH(SecretKey::Kind, kind);
        QFETCH(QString, pattern);
        const QRegularExpression re(pattern);
        QSet<QString> seen;
        QSet<QChar> letters;
        for (int i = 0; i < 200; ++i) {
            const SecretKey k = SecretKey::generate(kind);
            const QString text = k.toString();
            QVERIFY2(re.match(text).hasMatch(), qPrintable(text));
            QVERIFY(!seen.contains(text));
            seen.insert(text);
            for (char c : k.secret)
                letters.insert(QLatin1Char(c));
            // What we generate, we parse back to the same parts.
            const auto parsed = SecretKey::parse(kind, text);
            QVERIFY(parsed);
            QCOMPARE(parsed->format, SecretKey::Format::Modern);
            QCOMPARE(parsed->prefix, k.prefix);
            QCOMPARE(parsed->secret, k.secret);
        }
        // 12,800 uniform draws from 64 letters: every letter shows up (a biased or narrow
        // generator would not).
        QCOMPARE(letters.size(), 64);
    }

    void parse_data()
    {
        QTest::addColumn<SecretKey::Kind>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<SecretKey::Format>("format");
        QTest::addColumn<QString>("prefix");

        const QString p12 = QStringLiteral("Ab-_09xyzXYZ");
        const QString s64 = QString(QStringLiteral("a-b_")).repeated(16);
        const auto modern = SecretKey::Format::Modern;
        const auto plain = SecretKey::Format::LegacyPlain;
        const auto dotted = SecretKey::Format::LegacyDotted;
        const auto PA = SecretKey::Kind::PreAuth;
        const auto API = SecretKey::Kind::Api;

        QTest::newRow("preauth modern") << PA << "hskey-auth-" + p12 + "-" + s64 << true << modern << p12;
        QTest::newRow("api modern") << API << "hskey-api-" + p12 + "-" + s64 << true << modern << p12;
        QTest::newRow("preauth legacy hex")
            << PA << QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef") << true << plain << QString();
        QTest::newRow("api legacy dotted") << API << QStringLiteral("abcdefg.SomeSecret_value-1") << true << dotted
                                           << QStringLiteral("abcdefg");

        QTest::newRow("empty") << PA << QString() << false << modern << QString();
        QTest::newRow("api key as preauth") << PA << "hskey-api-" + p12 + "-" + s64 << false << modern << QString();
        QTest::newRow("preauth key as api") << API << "hskey-auth-" + p12 + "-" + s64 << false << modern << QString();
        QTest::newRow("secret too short") << PA << "hskey-auth-" + p12 + "-" + s64.left(63) << false << modern << QString();
        QTest::newRow("secret too long") << PA << "hskey-auth-" + p12 + "-" + s64 + "a" << false << modern << QString();
        QTest::newRow("no separator") << PA << "hskey-auth-" + p12 + "x" + s64 << false << modern << QString();
        QTest::newRow("bad char in prefix") << PA << "hskey-auth-Ab+_09xyzXYZ-" + s64 << false << modern << QString();
        QTest::newRow("bad char in secret") << API << "hskey-api-" + p12 + "-" + s64.left(63) + "=" << false << modern
                                            << QString();
        QTest::newRow("non-ascii") << API << "hskey-api-" + p12 + "-" + s64.left(63) + QChar(0xe9) << false << modern
                                   << QString();
        QTest::newRow("legacy hex upper case")
            << PA << QStringLiteral("0123456789ABCDEF0123456789abcdef0123456789abcdef") << false << modern << QString();
        QTest::newRow("legacy hex 47") << PA << QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcde")
                                       << false << modern << QString();
        QTest::newRow("legacy dotted prefix 6") << API << QStringLiteral("abcdef.secret") << false << modern << QString();
        QTest::newRow("legacy dotted empty secret") << API << QStringLiteral("abcdefg.") << false << modern << QString();
        QTest::newRow("legacy dotted bad char") << API << QStringLiteral("abc/efg.secret") << false << modern << QString();
        QTest::newRow("marker only") << API << QStringLiteral("hskey-api-") << false << modern << QString();
        QTest::newRow("garbage") << PA << QStringLiteral("\x01\x02 not a key") << false << modern << QString();
    }

    void parse()
    {
        QFETCH(SecretKey::Kind, kind);
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(SecretKey::Format, format);
        QFETCH(QString, prefix);

        QString error;
        const auto k = SecretKey::parse(kind, text, &error);
        QCOMPARE(bool(k), valid);
        if (!valid) {
            QVERIFY(!error.isEmpty());
            return;
        }
        QCOMPARE(k->format, format);
        QCOMPARE(k->prefix, prefix);
        QCOMPARE(k->toString(), text);
    }

    void maskedForms()
    {
        QCOMPARE(SecretKey::maskedPreAuth(QStringLiteral("abcdefghijkl")), QStringLiteral("hskey-auth-abcdefghijkl-***"));
        QCOMPARE(SecretKey::maskedApi(QStringLiteral("abcdefghijkl")), QStringLiteral("hskey-api-abcdefghijkl-***"));
        QCOMPARE(SecretKey::maskedApi(QStringLiteral("abcdefg")), QStringLiteral("abcdefg***"));
    }

    void sha256()
    {
        // FIPS 180-2 test vector.
        QCOMPARE(SecretHasher::sha256Hex("abc"),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const QByteArray h = SecretHasher::sha256Hex("secret-one");
        QVERIFY(SecretHasher::verify(SecretHasher::Sha256, h, "secret-one"));
        QVERIFY(SecretHasher::verify(SecretHasher::Sha256, h.toUpper(), "secret-one"));
        QVERIFY(!SecretHasher::verify(SecretHasher::Sha256, h, "secret-two"));
        QVERIFY(!SecretHasher::verify(SecretHasher::Sha256, h.left(63), "secret-one"));
        QVERIFY(!SecretHasher::verify(QStringLiteral("md5"), h, "secret-one"));
        QVERIFY(!SecretHasher::verify(SecretHasher::Sha256, QByteArray(), QByteArray()));
    }

    void bcrypt_data()
    {
        QTest::addColumn<QByteArray>("hash");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<bool>("match");
        // Solar Designer's crypt_blowfish test vector, in the three prefixes Headscale's Go bcrypt
        // library and others write.
        const QByteArray tail = "$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        QTest::newRow("2a") << "$2a" + tail << QByteArray("U*U") << true;
        QTest::newRow("2b") << "$2b" + tail << QByteArray("U*U") << true;
        QTest::newRow("2y") << "$2y" + tail << QByteArray("U*U") << true;
        QTest::newRow("wrong secret") << "$2a" + tail << QByteArray("U*V") << false;
        QTest::newRow("empty secret") << "$2a" + tail << QByteArray() << false;
        // A Headscale-shaped secret (64 URL-safe characters) at Go's default cost 10.
        const QByteArray s64 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        QTest::newRow("cost 10") << QByteArray("$2a$10$avtVOgtd.TdHEF3lIgePBuOFc/M38ngNrcpoQ5npMQ3SeYKqPi32S") << s64
                                 << true;
        QTest::newRow("cost 10 wrong") << QByteArray("$2a$10$avtVOgtd.TdHEF3lIgePBuOFc/M38ngNrcpoQ5npMQ3SeYKqPi32S")
                                       << QByteArray(s64).replace('a', 'b') << false;
        QTest::newRow("2x not accepted") << "$2x" + tail << QByteArray("U*U") << false;
        QTest::newRow("truncated") << ("$2a" + tail).left(59) << QByteArray("U*U") << false;
        QTest::newRow("sha-512 crypt is not bcrypt") << QByteArray("$6$saltsalt$abc") << QByteArray("U*U") << false;
        QTest::newRow("garbage of the right length") << QByteArray(60, '$') << QByteArray("U*U") << false;
    }

    void bcrypt()
    {
        QFETCH(QByteArray, hash);
        QFETCH(QByteArray, secret);
        QFETCH(bool, match);
        QCOMPARE(SecretHasher::verify(SecretHasher::Bcrypt, hash, secret), match);
    }

    void constantTimeEquals()
    {
        QVERIFY(SecretHasher::constantTimeEquals("abc", "abc"));
        QVERIFY(!SecretHasher::constantTimeEquals("abc", "abd"));
        QVERIFY(!SecretHasher::constantTimeEquals("abc", "abcd"));
        QVERIFY(SecretHasher::constantTimeEquals(QByteArray(), QByteArray()));
    }
};

QTEST_GUILESS_MAIN(TestSecretKey)
#include "tst_secretkey.moc"
