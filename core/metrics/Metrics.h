#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <vector>

namespace keel::metrics {

using Labels = QList<QPair<QByteArray, QByteArray>>;  // name, value (in declaration order)

// A monotonically increasing value. Lock-free: safe to bump from any thread on a hot path.
class Counter
{
public:
    void inc(double by = 1.0);
    double value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> m_value{0.0};
};

// A value that goes up and down.
class Gauge
{
public:
    void set(double v) { m_value.store(v, std::memory_order_relaxed); }
    void add(double by);
    double value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> m_value{0.0};
};

// Observations counted into fixed buckets (upper bounds, ascending), plus their sum.
class Histogram
{
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double v);
    const std::vector<double>& bounds() const { return m_bounds; }
    // Cumulative counts per bound, then the total count (the +Inf bucket).
    std::vector<quint64> cumulativeCounts() const;
    double sum() const { return m_sum.load(std::memory_order_relaxed); }

private:
    std::vector<double> m_bounds;
    std::unique_ptr<std::atomic<quint64>[]> m_counts;  // one per bound, plus +Inf
    std::atomic<double> m_sum{0.0};
};

// The process-wide set of metric families, rendered in the Prometheus text format (0.0.4).
// Children are created once per label set and live as long as the registry: callers keep the
// returned reference and bump it without any lookup on the hot path.
class Registry
{
public:
    static Registry& instance();

    Counter& counter(const QByteArray& name, const QByteArray& help, const Labels& labels = {});
    Gauge& gauge(const QByteArray& name, const QByteArray& help, const Labels& labels = {});
    Histogram& histogram(const QByteArray& name, const QByteArray& help, const std::vector<double>& bounds,
                         const Labels& labels = {});

    QByteArray render() const;

    static std::vector<double> defaultDurationBuckets();  // .005 ... 100 seconds (go-chi's)

private:
    enum class Type { Counter, Gauge, Histogram };
    struct Family
    {
        Type type;
        QByteArray help;
        std::map<Labels, std::unique_ptr<Counter>> counters;
        std::map<Labels, std::unique_ptr<Gauge>> gauges;
        std::map<Labels, std::unique_ptr<Histogram>> histograms;
    };
    Family& family(const QByteArray& name, Type type, const QByteArray& help);

    mutable QMutex m_mutex;
    std::map<QByteArray, Family> m_families;
};

// Writes the standard process_* metrics (memory, CPU, file descriptors, start time) from /proc.
QByteArray renderProcessMetrics();

} // namespace keel::metrics
