#include "metrics/Metrics.h"

#include "UnderWine.h"

#include <QTest>
#include <QThread>

using namespace keel::metrics;

class TestMetrics : public QObject
{
    Q_OBJECT

private slots:
    void exposition()
    {
        Registry r;
        r.counter("keel_test_total", "Things.", {{"kind", "a\"b"}}).inc();
        r.counter("keel_test_total", "Things.", {{"kind", "a\"b"}}).inc(2);
        r.counter("keel_test_total", "Things.", {{"kind", "c"}}).inc(-5);  // counters never go down
        r.gauge("keel_nodes", "Nodes.").set(7);
        Histogram& h = r.histogram("keel_seconds", "Durations.", {0.1, 1});
        h.observe(0.05);
        h.observe(0.5);
        h.observe(3);
        const QByteArray text = r.render();
        QVERIFY2(text.contains("# TYPE keel_test_total counter\n"), text.constData());
        QVERIFY(text.contains("keel_test_total{kind=\"a\\\"b\"} 3\n"));
        QVERIFY(text.contains("keel_test_total{kind=\"c\"} 0\n"));
        QVERIFY(text.contains("# TYPE keel_nodes gauge\nkeel_nodes 7\n"));
        QVERIFY(text.contains("keel_seconds_bucket{le=\"0.1\"} 1\n"));
        QVERIFY(text.contains("keel_seconds_bucket{le=\"1\"} 2\n"));
        QVERIFY(text.contains("keel_seconds_bucket{le=\"+Inf\"} 3\n"));
        QVERIFY(text.contains("keel_seconds_sum 3.55\n"));
        QVERIFY(text.contains("keel_seconds_count 3\n"));
    }

    void concurrentIncrementsAreNotLost()
    {
        Registry r;
        Counter& c = r.counter("keel_race_total", "Race.");
        QList<QThread*> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&c] {
                for (int i = 0; i < 100000; ++i)
                    c.inc();
            }));
            threads.last()->start();
        }
        for (QThread* t : threads) {
            t->wait();
            delete t;
        }
        QCOMPARE(c.value(), 400000.0);
    }

    void processMetrics()
    {
        const QByteArray text = renderProcessMetrics();
        QVERIFY2(text.contains("process_resident_memory_bytes "), text.constData());
        // Wine answers GetProcessHandleCount with 0, which the metrics leave out as unknown;
        // Windows itself always has handles open.
        if (!keel::test::underWine())
            QVERIFY(text.contains("process_open_fds "));
        QVERIFY(text.contains("process_cpu_seconds_total "));
        QVERIFY(text.contains("process_start_time_seconds "));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
