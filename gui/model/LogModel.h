#pragma once

#include <QAbstractTableModel>
#include <QPointer>
#include <QTimer>

#include "client/SseParser.h"

namespace keel::gui {

class ApiCall;
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
    void open();
    void onData(const QByteArray& bytes);
    void onFinished();

    struct Line
    {
        qint64 msecs;
        int level;   // 0 debug, 1 info, 2 warning, 3 error
        QString category, message;
    };
    ApiClient& m_client;
    QPointer<ApiCall> m_call;
    SseParser m_parser;
    QTimer m_retry;
    QTimer m_watchdog;   // no byte for 45 s (three keep-alives): the connection is dead
    bool m_sawData = false;
    bool m_running = false;
    bool m_connected = false;
    int m_failures = 0;
    QList<Line> m_lines;
    qint64 m_lastId = 0;
    QString m_epoch;
};

} // namespace keel::gui
