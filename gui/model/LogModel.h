#pragma once

#include <QAbstractTableModel>

#include "client/SseSubscription.h"

namespace keel::gui {

class ApiClient;

// The server's log, in every mode: `GET /api/v1/logs` kept open (server-sent events: the lines the
// server's ring still holds, then each new one as it is logged), capped at 5,000 lines. Reconnects
// by itself (1 s up to 10 s); after a break it asks for the whole ring again and skips the lines
// it already has, unless the server restarted (a new epoch): then its lines follow the old ones.
// A server without the endpoint (an older Keel, Headscale) is reported through unsupported().
class LogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Level, Module, Message };
    enum Roles { LevelRole = Qt::UserRole + 1 };

    explicit LogModel(ApiClient& client, QObject* parent = nullptr);
    ~LogModel() override;
    void start();
    void stop();
    bool isConnected() const { return m_connected; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString levelName(int level);

Q_SIGNALS:
    void connectedChanged(bool connected);
    void unsupported();

private:
    void append(const QList<ServerEvent>& events);

    struct Line
    {
        qint64 msecs;
        int level;   // 0 debug, 1 info, 2 warning, 3 error
        QString category, message;
    };
    // The whole ring each time: a restarted server numbers its lines from 1 again.
    SseSubscription m_subscription;
    bool m_connected = false;
    QList<Line> m_lines;
    qint64 m_lastId = 0;
    QString m_epoch;
};

} // namespace keel::gui
