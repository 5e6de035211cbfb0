#pragma once

#include <QDateTime>
#include <QWidget>

class QChartView;

namespace keel::gui {

// Online nodes over the last 24 hours, as a step line (Qt Charts). Samples are taken by this
// window while it runs (when the count changes, and every five minutes), so the line starts when
// Keel Manager started.
class OnlineChart : public QWidget
{
    Q_OBJECT

public:
    explicit OnlineChart(QWidget* parent = nullptr);
    void addSample(int online, const QDateTime& at = QDateTime::currentDateTime());
    int sampleCount() const { return int(m_samples.size()); }

private:
    void redraw();

    QList<QPair<QDateTime, int>> m_samples;
    QChartView* m_view;
};

} // namespace keel::gui
