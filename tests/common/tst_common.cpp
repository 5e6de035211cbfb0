#include "common/Clock.h"
#include "common/Log.h"
#include "common/LogBuffer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace keel;

class TestCommon : public QObject
{
    Q_OBJECT

private slots:
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
