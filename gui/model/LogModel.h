#pragma once

#include <QAbstractTableModel>
#include <QTimer>

namespace keel::log {
struct LogRecord;
}

namespace keel::gui {

// The server's log when it runs in this process: the core's in-memory ring (LogBuffer) read every
// half second from the last id seen, capped at 5,000 lines. Reading a local ring is no server call.
class LogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Level, Module, Message };
    enum Roles { LevelRole = Qt::UserRole + 1 };

    explicit LogModel(QObject* parent = nullptr);
    void start();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString levelName(int type);

private:
    void pull();

    struct Line
    {
        qint64 msecs;
        int type;
        QString category, message;
    };
    QList<Line> m_lines;
    qint64 m_lastId = 0;
    QTimer m_timer;
};

} // namespace keel::gui
