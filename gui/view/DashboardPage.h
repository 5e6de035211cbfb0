#pragma once

#include <QDateTime>
#include <QTimer>
#include <QWidget>

class QLabel;

namespace keel::gui {

class ServerSession;
class OnlineChart;

// The tailnet at a glance: nodes online and in total, pending approvals, users, clients older than
// the oldest supported version, the relay (DERP/STUN) and a chart of online nodes over 24 hours.
class DashboardPage : public QWidget
{
    Q_OBJECT

public:
    explicit DashboardPage(ServerSession& session, QWidget* parent = nullptr);

    QString onlineText() const;
    QString relayText() const;
    QString outdatedText() const;

    // The oldest Tailscale version Keel supports (capability version 102, 1.70).
    static bool isOutdated(const QString& clientVersion);

private:
    void refresh();
    void showServerStatus();

    ServerSession& m_session;
    QLabel* m_online;
    QLabel* m_pending;
    QLabel* m_users;
    QLabel* m_outdated;
    QLabel* m_relay;
    OnlineChart* m_chart;
    QTimer m_sampler;
};

} // namespace keel::gui
