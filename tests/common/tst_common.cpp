#include "common/Clock.h"
#include "common/MockClock.h"
#include "common/FileLimit.h"
#include "common/JsonNumbers.h"
#include "common/Log.h"
#include "common/LogBuffer.h"
#include "common/LogRateLimiter.h"
#include "common/SourceRateLimiter.h"

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

    void similarLogLinesAreSummarisedAfterABurst()
    {
        // A client-controlled flood: one line per unknown key, each with its own key and address.
        log::LogRateLimiter::Options options;
        options.burst = 5;
        options.windowMs = 10'000;
        log::LogRateLimiter limiter(options);
        const qint64 t0 = 1'000'000;
        int written = 0;
        for (int i = 0; i < 1000; ++i) {
            const QString line = QStringLiteral("unknown node key nodekey:%1 from 10.0.%2.1").arg(i, 64, 16, QLatin1Char('0')).arg(i % 250);
            written += limiter.admit("keel.derp", QtInfoMsg, line, t0 + i) ? 1 : 0;
        }
        QCOMPARE(written, 5);
        // Another shape in the same category is its own group.
        QVERIFY(limiter.admit("keel.derp", QtInfoMsg, QStringLiteral("client 7 connected"), t0 + 1000));
        QVERIFY(limiter.takeDue(t0 + 5000).isEmpty()); // the window has not passed
        const auto due = limiter.takeDue(t0 + 10'001);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().category, QStringLiteral("keel.derp"));
        QVERIFY2(due.first().text.contains(QStringLiteral("995 similar messages suppressed")), qPrintable(due.first().text));
        QVERIFY(due.first().text.contains(QStringLiteral("nodekey:")));
        QVERIFY(limiter.takeDue(t0 + 12'000).isEmpty()); // said once
        // After the summary the group writes again.
        QVERIFY(limiter.admit("keel.derp", QtInfoMsg, QStringLiteral("unknown node key nodekey:ab12 from 10.9.9.9"), t0 + 12'001));
    }

    void logShapeMasksWordsWithDigits()
    {
        QCOMPARE(log::LogRateLimiter::shape(QStringLiteral("registration pending: hskey-authreq-0a1b")),
                 QStringLiteral("registration pending: #"));
        QCOMPARE(log::LogRateLimiter::shape(QStringLiteral("map stream of node 12 reset")),
                 QStringLiteral("map stream of node # reset"));
    }

    void levelNamesFollowHeadscale()
    {
        for (const char* name : {"trace", "debug", "info", "warn", "error", "fatal", "panic"})
            QVERIFY2(log::setLevel(QString::fromLatin1(name)), name);
        QVERIFY(!log::setLevel(QStringLiteral("loud")));
        QVERIFY(log::setLevel(QStringLiteral("info")));
    }

    void sourceRateLimiterAllowsABurstThenTheRate()
    {
        constexpr qint64 second = 1'000'000'000;
        common::SourceRateLimiter<QString> limiter(2, 5, 100);
        const QString a = QStringLiteral("a"), b = QStringLiteral("b");
        for (int i = 0; i < 5; ++i)
            QVERIFY(limiter.allow(a, 0));
        QVERIFY(!limiter.allow(a, 0));
        QVERIFY(limiter.allow(b, 0));          // another source has its own bucket
        QVERIFY(!limiter.allow(a, second / 4)); // half a token refilled
        QVERIFY(limiter.allow(a, second / 2));  // one token
        QVERIFY(!limiter.allow(a, second / 2));
        // A long pause refills to the burst, not beyond it.
        for (int i = 0; i < 5; ++i)
            QVERIFY(limiter.allow(a, 100 * second));
        QVERIFY(!limiter.allow(a, 100 * second));
    }

    void jsonIntegerTakesOnlyWholeNumbersInRange()
    {
        QCOMPARE(common::jsonInteger(QJsonValue(42)), std::optional<qint64>(42));
        QCOMPARE(common::jsonInteger(QJsonValue(-7.0)), std::optional<qint64>(-7));
        QCOMPARE(common::jsonInteger(QJsonValue(9007199254740992.0)), std::optional<qint64>(9007199254740992LL));
        QVERIFY(!common::jsonInteger(QJsonValue(1.5)));
        QVERIFY(!common::jsonInteger(QJsonValue(QStringLiteral("3"))));
        QVERIFY(!common::jsonInteger(QJsonValue()));
        // Beyond qint64: converting these would be undefined behaviour (found by fuzzing).
        QVERIFY(!common::jsonInteger(QJsonValue(9223372036854775808.0)));
        QVERIFY(!common::jsonInteger(QJsonValue(-1.8e78)));
        QVERIFY(!common::jsonInteger(QJsonValue(std::numeric_limits<double>::infinity())));
        QCOMPARE(common::jsonInteger(QJsonValue(-9223372036854775808.0)), std::optional<qint64>(std::numeric_limits<qint64>::min()));
    }

    void sourceRateLimiterKeepsABoundedTable()
    {
        constexpr qint64 second = 1'000'000'000;
        common::SourceRateLimiter<int> limiter(1, 2, 3);
        for (int source = 0; source < 3; ++source)
            QVERIFY(limiter.allow(source, 0));
        // Full of draining buckets: a new source waits until one has refilled.
        QVERIFY(!limiter.allow(3, 0));
        QCOMPARE(limiter.trackedSources(), 3);
        QVERIFY(limiter.allow(3, 2 * second));   // the refilled ones are forgotten to make room
        QVERIFY(limiter.trackedSources() <= 3);
        QVERIFY(limiter.allow(0, 2 * second));
    }
};

QTEST_GUILESS_MAIN(TestCommon)
#include "tst_common.moc"
