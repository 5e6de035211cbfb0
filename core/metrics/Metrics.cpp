#include "metrics/Metrics.h"

#include "platform/Process.h"

#include <QMutexLocker>

#include <cmath>

namespace keel::metrics {

namespace {

// Adds to an atomic double (compare-exchange: std::atomic<double>::fetch_add is C++20 but not in
// every standard library we build with).
void atomicAdd(std::atomic<double>& target, double by)
{
    double current = target.load(std::memory_order_relaxed);
    while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
    }
}

QByteArray number(double v)
{
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    if (std::isnan(v))
        return "NaN";
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return QByteArray::number(qint64(v));
    return QByteArray::number(v, 'g', 12);
}

QByteArray escapeLabel(const QByteArray& v)
{
    QByteArray out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray labelText(const Labels& labels, const QByteArray& extraName = {}, const QByteArray& extraValue = {})
{
    if (labels.isEmpty() && extraName.isEmpty())
        return {};
    QByteArray out = "{";
    bool first = true;
    for (const auto& [name, value] : labels) {
        out += (first ? "" : ",") + name + "=\"" + escapeLabel(value) + '"';
        first = false;
    }
    if (!extraName.isEmpty())
        out += (first ? "" : ",") + extraName + "=\"" + extraValue + '"';
    return out + '}';
}

} // namespace

void Counter::inc(double by)
{
    if (by > 0)
        atomicAdd(m_value, by);
}

void Gauge::add(double by)
{
    atomicAdd(m_value, by);
}

Histogram::Histogram(std::vector<double> bounds)
    : m_bounds(std::move(bounds))
    , m_counts(new std::atomic<quint64>[m_bounds.size() + 1])
{
    for (size_t i = 0; i <= m_bounds.size(); ++i)
        m_counts[i].store(0);
}

void Histogram::observe(double v)
{
    size_t i = 0;
    while (i < m_bounds.size() && v > m_bounds[i])
        ++i;
    m_counts[i].fetch_add(1, std::memory_order_relaxed);
    atomicAdd(m_sum, v);
}

std::vector<quint64> Histogram::cumulativeCounts() const
{
    std::vector<quint64> out(m_bounds.size() + 1);
    quint64 running = 0;
    for (size_t i = 0; i <= m_bounds.size(); ++i) {
        running += m_counts[i].load(std::memory_order_relaxed);
        out[i] = running;
    }
    return out;
}

Registry& Registry::instance()
{
    static Registry registry;
    return registry;
}

std::vector<double> Registry::defaultDurationBuckets()
{
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100};
}

Registry::Family& Registry::family(const QByteArray& name, Type type, const QByteArray& help)
{
    auto it = m_families.find(name);
    if (it == m_families.end())
        it = m_families.emplace(name, Family{type, help, {}, {}, {}}).first;
    Q_ASSERT_X(it->second.type == type, "metrics::Registry", "one name, one metric type");
    return it->second;
}

Counter& Registry::counter(const QByteArray& name, const QByteArray& help, const Labels& labels)
{
    QMutexLocker lock(&m_mutex);
    auto& slot = family(name, Type::Counter, help).counters[labels];
    if (!slot)
        slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& Registry::gauge(const QByteArray& name, const QByteArray& help, const Labels& labels)
{
    QMutexLocker lock(&m_mutex);
    auto& slot = family(name, Type::Gauge, help).gauges[labels];
    if (!slot)
        slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& Registry::histogram(const QByteArray& name, const QByteArray& help, const std::vector<double>& bounds, const Labels& labels)
{
    QMutexLocker lock(&m_mutex);
    auto& slot = family(name, Type::Histogram, help).histograms[labels];
    if (!slot)
        slot = std::make_unique<Histogram>(bounds);
    return *slot;
}

QByteArray Registry::render() const
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    for (const auto& [name, f] : m_families) {
        static const char* typeNames[] = {"counter", "gauge", "histogram"};
        out += "# HELP " + name + ' ' + f.help + "\n# TYPE " + name + ' ' + typeNames[int(f.type)] + '\n';
        for (const auto& [labels, c] : f.counters)
            out += name + labelText(labels) + ' ' + number(c->value()) + '\n';
        for (const auto& [labels, g] : f.gauges)
            out += name + labelText(labels) + ' ' + number(g->value()) + '\n';
        for (const auto& [labels, h] : f.histograms) {
            const std::vector<quint64> counts = h->cumulativeCounts();
            for (size_t i = 0; i < h->bounds().size(); ++i)
                out += name + "_bucket" + labelText(labels, "le", number(h->bounds()[i])) + ' ' + QByteArray::number(counts[i]) + '\n';
            out += name + "_bucket" + labelText(labels, "le", "+Inf") + ' ' + QByteArray::number(counts.back()) + '\n';
            out += name + "_sum" + labelText(labels) + ' ' + number(h->sum()) + '\n';
            out += name + "_count" + labelText(labels) + ' ' + QByteArray::number(counts.back()) + '\n';
        }
    }
    return out;
}

QByteArray renderProcessMetrics()
{
    // The platform layer reads /proc (Linux), getrusage (macOS) or the process API (Windows);
    // whatever it cannot tell is left out rather than reported as 0.
    const platform::ProcessStats p = platform::processStats();
    QByteArray out;
    if (p.cpuSeconds)
        out += "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
               "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total " + number(*p.cpuSeconds) + '\n';
    if (p.virtualBytes)
        out += "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
               "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes " + QByteArray::number(*p.virtualBytes) + '\n';
    if (p.residentBytes)
        out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
               "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes " + QByteArray::number(*p.residentBytes) + '\n';
    if (p.startTimeSeconds)
        out += "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
               "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds " + QByteArray::number(*p.startTimeSeconds, 'f', 2) + '\n';
    if (p.openDescriptors)
        out += "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\nprocess_open_fds "
               + QByteArray::number(*p.openDescriptors) + '\n';
    return out;
}

} // namespace keel::metrics
