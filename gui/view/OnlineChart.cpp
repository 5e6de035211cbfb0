#include "OnlineChart.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
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

void OnlineChart::addSample(int online, const QDateTime& at)
{
    if (!m_samples.isEmpty() && m_samples.last().second == online && m_samples.last().first.secsTo(at) < 300)
        return;
    m_samples.append({at, online});
    const QDateTime cutoff = at.addSecs(-24 * 3600);
    while (m_samples.size() > 1 && m_samples[1].first < cutoff)
        m_samples.removeFirst();
    redraw();
}

void OnlineChart::redraw()
{
    auto* chart = new QChart;
    chart->setTitle(tr("Online nodes, last 24 hours"));
    chart->legend()->hide();
    chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    auto* series = new QLineSeries(chart);
    const QDateTime now = QDateTime::currentDateTime();
    int top = 1;
    for (int i = 0; i < m_samples.size(); ++i) {
        // A step line: the count holds until the next sample.
        if (i > 0)
            series->append(double(m_samples[i].first.toMSecsSinceEpoch()), m_samples[i - 1].second);
        series->append(double(m_samples[i].first.toMSecsSinceEpoch()), m_samples[i].second);
        top = qMax(top, m_samples[i].second);
    }
    if (!m_samples.isEmpty())
        series->append(double(now.toMSecsSinceEpoch()), m_samples.last().second);
    chart->addSeries(series);
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
    series->attachAxis(x);
    series->attachAxis(y);
    QChart* old = m_view->chart();
    m_view->setChart(chart);
    delete old;
}

} // namespace keel::gui
