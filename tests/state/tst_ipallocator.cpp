#include "state/IpAllocator.h"

#include <QSet>
#include <QTest>

using keel::state::IpAllocator;

class TestIpAllocator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sequentialSkipsNetworkAndBroadcast()
    {
        IpAllocator a("10.0.0.0/29", IpAllocator::Strategy::Sequential);
        QVERIFY(a.valid());
        QStringList got;
        QString error;
        for (int i = 0; i < 6; ++i) {
            auto ip = a.allocate(&error);
            QVERIFY2(ip, qPrintable(error));
            got << ip->toString();
        }
        QCOMPARE(got, (QStringList{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}));
        QVERIFY(!a.allocate(&error));
        QVERIFY2(error.contains("exhausted") && error.contains("10.0.0.0/29"), qPrintable(error));
    }

    void sequentialDoesNotReuseFreedAddressBeforeWrap()
    {
        IpAllocator a("10.0.0.0/29", IpAllocator::Strategy::Sequential);
        QString error;
        const auto first = a.allocate(&error);
        const auto second = a.allocate(&error);
        a.release(*first);
        const auto third = a.allocate(&error);
        QCOMPARE(third->toString(), QString("10.0.0.3"));
        QVERIFY(*second != *third);
    }

    void cursorRestoresAfterRestart()
    {
        IpAllocator a("100.64.0.0/10", IpAllocator::Strategy::Sequential);
        QString error;
        a.allocate(&error);
        a.allocate(&error);
        IpAllocator b("100.64.0.0/10", IpAllocator::Strategy::Sequential);
        b.setCursor(a.cursor());
        QCOMPARE(b.allocate(&error)->toString(), QString("100.64.0.3"));
    }

    void skipsReservedAddresses()
    {
        IpAllocator a("100.100.100.96/29", IpAllocator::Strategy::Sequential);
        QString error;
        QSet<QString> got;
        while (auto ip = a.allocate(&error))
            got.insert(ip->toString());
        QCOMPARE(got.size(), 5);
        QVERIFY(!got.contains("100.100.100.100"));

        IpAllocator chrome("100.115.91.254/23", IpAllocator::Strategy::Sequential);
        QVERIFY(chrome.valid());
        IpAllocator v6("fd7a:115c:a1e0::50/124", IpAllocator::Strategy::Sequential);
        QSet<QString> got6;
        while (auto ip = v6.allocate(&error))
            got6.insert(ip->toString());
        QCOMPARE(got6.size(), 13);
        QVERIFY(!got6.contains("fd7a:115c:a1e0::53"));
        QVERIFY(IpAllocator::isReserved(QHostAddress("100.115.92.7")));
        QVERIFY(IpAllocator::isReserved(QHostAddress("fd7a:115c:a1e0:b1a::1")));
        QVERIFY(!IpAllocator::isReserved(QHostAddress("100.64.0.1")));
    }

    void usedAddressesAreSkipped()
    {
        IpAllocator a("100.64.0.0/10", IpAllocator::Strategy::Sequential);
        a.markUsed(QHostAddress("100.64.0.1"));
        a.markUsed(QHostAddress("100.64.0.2"));
        QString error;
        QCOMPARE(a.allocate(&error)->toString(), QString("100.64.0.3"));
        QVERIFY(a.isUsed(QHostAddress("100.64.0.3")));
    }

    void ipv6Sequential()
    {
        IpAllocator a("fd7a:115c:a1e0::/48", IpAllocator::Strategy::Sequential);
        QString error;
        QCOMPARE(a.allocate(&error)->toString(), QString("fd7a:115c:a1e0::1"));
        QCOMPARE(a.allocate(&error)->toString(), QString("fd7a:115c:a1e0::2"));
    }

    void randomNeverRepeatsAndStaysInside()
    {
        IpAllocator a("10.9.0.0/24", IpAllocator::Strategy::Random);
        QSet<QString> got;
        QString error;
        while (auto ip = a.allocate(&error)) {
            QVERIFY(ip->isInSubnet(QHostAddress::parseSubnet("10.9.0.0/24")));
            QVERIFY2(!got.contains(ip->toString()), qPrintable(ip->toString()));
            got.insert(ip->toString());
        }
        QCOMPARE(got.size(), 254);
        QVERIFY(!got.contains("10.9.0.0"));
        QVERIFY(!got.contains("10.9.0.255"));
    }

    void invalidPrefix()
    {
        IpAllocator a("not-a-prefix", IpAllocator::Strategy::Sequential);
        QVERIFY(a.enabled());
        QVERIFY(!a.valid());
        QString error;
        QVERIFY(!a.allocate(&error));
        QVERIFY(error.contains("invalid"));
        QVERIFY(!IpAllocator("", IpAllocator::Strategy::Sequential).enabled());
    }
};

QTEST_GUILESS_MAIN(TestIpAllocator)
#include "tst_ipallocator.moc"
