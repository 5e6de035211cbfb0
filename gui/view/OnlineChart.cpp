#include "OnlineChart.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QSettings>
#include <QValueAxis>
#include <QVBoxLayout>

namespace keel::gui {

OnlineChart::OnlineChart(QWidget* parent)
    : QWidget(parent)
    , m_view(new QChartView(this))
{
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setAccessibleName(tr("Chart of online nodes over the last 24 hours"));
    m_view->setMinimumHeight(220);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    redraw();
}

namespace {
QString settingsGroup(const QString& key)
{
    // One group per server; the key (a URL or a socket path) made safe for QSettings.
    return QStringLiteral("onlineHistory/") + QString::fromLatin1(key.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}
}

void OnlineChart::setStorageKey(const QString& key)
{
    m_storageKey = key;
    QSettings settings;
    const QStringList stored = settings.value(settingsGroup(key)).toStringList();
    QList<QPair<QDateTime, int>> loaded;
    const QDateTime cutoff = QDateTime::currentDateTime().addSecs(-24 * 3600);
    for (const QString& entry : stored) {
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(entry.section(QLatin1Char(' '), 0, 0).toLongLong());
        bool ok = false;
        const int online = entry.section(QLatin1Char(' '), 1, 1).toInt(&ok);
        if (ok && at.isValid() && at >= cutoff)
            loaded.append({at, online});
    }
    // Kept samples first, then what this window has taken already.
    m_samples = loaded + m_samples;
    redraw();
}

void OnlineChart::save() const
{
    if (m_storageKey.isEmpty())
        return;
    QStringList out;
    for (const auto& s : m_samples)
        out << QStringLiteral("%1 %2").arg(s.first.toMSecsSinceEpoch()).arg(s.second);
    QSettings().setValue(settingsGroup(m_storageKey), out);
}

void OnlineChart::addSample(int online, const QDateTime& at)
{
    if (!m_samples.isEmpty() && m_samples.last().second == online && m_samples.last().first.secsTo(at) < 300)
        return;
    m_samples.append({at, online});
    const QDateTime cutoff = at.addSecs(-24 * 3600);
    while (m_samples.size() > 1 && m_samples[1].first < cutoff)
        m_samples.removeFirst();
    save();
    redraw();
}

void OnlineChart::redraw()
{
    auto* chart = new QChart;
    chart->setTitle(tr("Online nodes, last 24 hours"));
    chart->legend()->hide();
    chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    const QDateTime now = QDateTime::currentDateTime();
    int top = 1;
    // A step line (the count holds until the next sample), one series per stretch of time a
    // window was watching: no line across the time Keel Manager was not running.
    QList<QLineSeries*> parts;
    QLineSeries* series = nullptr;
    for (int i = 0; i < m_samples.size(); ++i) {
        const bool gap = i > 0 && m_samples[i - 1].first.secsTo(m_samples[i].first) > kGapSeconds;
        if (!series || gap) {
            series = new QLineSeries(chart);
            parts << series;
        } else {
            series->append(double(m_samples[i].first.toMSecsSinceEpoch()), m_samples[i - 1].second);
        }
        series->append(double(m_samples[i].first.toMSecsSinceEpoch()), m_samples[i].second);
        top = qMax(top, m_samples[i].second);
    }
    if (series)
        series->append(double(now.toMSecsSinceEpoch()), m_samples.last().second);
    if (parts.isEmpty())
        parts << new QLineSeries(chart);
    for (QLineSeries* part : parts)
        chart->addSeries(part);
    // The theme gives each series its own colour: all parts are one line.
    for (QLineSeries* part : parts)
        part->setColor(parts.first()->color());
    auto* x = new QDateTimeAxis(chart);
    x->setFormat(QStringLiteral("HH:mm"));
    x->setRange(now.addSecs(-24 * 3600), now);
    x->setTickCount(7);
    auto* y = new QValueAxis(chart);
    // Whole numbers on the axis: 0..top in steps of 1, 2, 5, 10, ...
    int step = 1;
    while ((top + step) / step > 6)
        step = step == 1 ? 2 : step == 2 ? 5 : step * 2;
    const int max = ((top + step) / step) * step;
    y->setRange(0, max);
    y->setLabelFormat(QStringLiteral("%d"));
    y->setTickCount(max / step + 1);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* part : parts) {
        part->attachAxis(x);
        part->attachAxis(y);
    }
    QChart* old = m_view->chart();
    m_view->setChart(chart);
    delete old;
}

} // namespace keel::gui
