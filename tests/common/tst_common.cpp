#include "common/Clock.h"
#include "common/MockClock.h"
#include "common/FileLimit.h"
#include "common/Log.h"
#include "common/LogBuffer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

using namespace keel;

class TestCommon : public QObject
{
    Q_OBJECT

private slots:
    void openFileLimitIsRaisedToTheHardLimit()
    {
#ifdef Q_OS_UNIX
        rlimit before{};
        QCOMPARE(getrlimit(RLIMIT_NOFILE, &before), 0);
        // Start from a low soft limit, as systemd gives a service.
        rlimit low = before;
        low.rlim_cur = std::min<rlim_t>(before.rlim_max, 512);
        QCOMPARE(setrlimit(RLIMIT_NOFILE, &low), 0);
        const qint64 now = raiseOpenFileLimit();
        rlimit after{};
        QCOMPARE(getrlimit(RLIMIT_NOFILE, &after), 0);
        QCOMPARE(qint64(after.rlim_cur), now);
#ifndef Q_OS_MACOS
        if (before.rlim_max != RLIM_INFINITY)
            QCOMPARE(after.rlim_cur, before.rlim_max);
#endif
        QVERIFY(now >= qint64(low.rlim_cur));
#else
        QCOMPARE(raiseOpenFileLimit(), qint64(-1));
#endif
    }

    void controlConnectionBudgetKeepsAReserve()
    {
        QCOMPARE(controlConnectionBudget(-1, 10000), 10000);
        QCOMPARE(controlConnectionBudget(1024, 10000), 768);     // a quarter kept below 1,024
        QCOMPARE(controlConnectionBudget(20000, 10000), 19744);  // 256 kept
        QCOMPARE(controlConnectionBudget(1048576, 10000), 1048320);
        QCOMPARE(controlConnectionBudget(1, 10000), 1);
    }

    void mockClockMovesOnlyWhenTold()
    {
        auto clock = std::make_shared<MockClock>();
        Clock::install(clock);
        const QDateTime t0 = Clock::now();
        QCOMPARE(Clock::now(), t0);
        clock->advance(90'000);
        QCOMPARE(Clock::now(), t0.addSecs(90));
        Clock::reset();
        QVERIFY(qAbs(Clock::now().secsTo(QDateTime::currentDateTimeUtc())) < 5);
    }

    void logBufferKeepsTheNewestWithIncreasingIds()
    {
        log::LogBuffer buffer(3);
        for (int i = 0; i < 5; ++i)
            buffer.append(QtInfoMsg, QStringLiteral("keel.test"), QString::number(i), i);
        QCOMPARE(buffer.lastId(), 5);
        const auto all = buffer.since(0);
        QCOMPARE(all.size(), 3);
        QCOMPARE(all.first().message, QStringLiteral("2"));
        QCOMPARE(all.last().id, 5);
        const auto tail = buffer.since(4);
        QCOMPARE(tail.size(), 1);
        QCOMPARE(tail.first().message, QStringLiteral("4"));
    }

    void jsonLogLineIsOneObject()
    {
        const QString line = log::formatLine(log::Format::Json, QtWarningMsg, "keel.config", QStringLiteral("a \"quoted\" thing"), 0);
        QVERIFY(!line.contains(QLatin1Char('\n')));
        const QJsonObject obj = QJsonDocument::fromJson(line.toUtf8()).object();
        QCOMPARE(obj.value(QStringLiteral("level")).toString(), QStringLiteral("warn"));
        QCOMPARE(obj.value(QStringLiteral("category")).toString(), QStringLiteral("keel.config"));
        QCOMPARE(obj.value(QStringLiteral("message")).toString(), QStringLiteral("a \"quoted\" thing"));
        QCOMPARE(obj.value(QStringLiteral("time")).toString(), QStringLiteral("1970-01-01T00:00:00.000Z"));
    }

    void levelNamesFollowHeadscale()
    {
        for (const char* name : {"trace", "debug", "info", "warn", "error", "fatal", "panic"})
            QVERIFY2(log::setLevel(QString::fromLatin1(name)), name);
        QVERIFY(!log::setLevel(QStringLiteral("loud")));
        QVERIFY(log::setLevel(QStringLiteral("info")));
    }
};

QTEST_GUILESS_MAIN(TestCommon)
#include "tst_common.moc"
