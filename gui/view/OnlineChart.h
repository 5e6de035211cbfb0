#pragma once

#include <QDateTime>
#include <QWidget>

class QChartView;

namespace keel::gui {

// Online nodes over the last 24 hours, as a step line (Qt Charts). Samples are taken by this
// window while it runs (when the count changes, and every five minutes) and kept in the settings
// per server (setStorageKey), so the line survives a restart of Keel Manager; while it was not
// running the line has a gap (nothing is known of that time).
class OnlineChart : public QWidget
{
    Q_OBJECT

public:
    explicit OnlineChart(QWidget* parent = nullptr);
    void addSample(int online, const QDateTime& at = QDateTime::currentDateTime());
    int sampleCount() const { return int(m_samples.size()); }
    // Loads the samples kept for this server and saves each new one under it.
    void setStorageKey(const QString& key);
    // Samples further apart than this were not taken by one running window: a gap.
    static constexpr int kGapSeconds = 11 * 60;

private:
    void redraw();

    void save() const;

    QList<QPair<QDateTime, int>> m_samples;
    QString m_storageKey;
    QChartView* m_view;
};

} // namespace keel::gui
