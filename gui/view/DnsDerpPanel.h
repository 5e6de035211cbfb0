#pragma once

#include <QTabWidget>

class QLabel;
class QTreeWidget;

namespace keel::gui {

class ServerSession;

// Read-only views of the server's DNS settings (MagicDNS, nameservers, search domains and the
// extra records) and its DERP map (regions and their relay nodes), from GET /api/v1/server/status,
// the same in every mode. Re-drawn whenever the session reads the status again.
class DnsDerpPanel : public QTabWidget
{
    Q_OBJECT

public:
    explicit DnsDerpPanel(ServerSession& session, QWidget* parent = nullptr);

    QLabel* dnsSettings() const { return m_dns; }
    QTreeWidget* extraRecords() const { return m_records; }
    QTreeWidget* derpMap() const { return m_derp; }

private:
    void showStatus();

    ServerSession& m_session;
    QLabel* m_dns;
    QTreeWidget* m_records;
    QLabel* m_derpSummary;
    QTreeWidget* m_derp;
};

} // namespace keel::gui
