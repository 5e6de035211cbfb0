#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace keel::gui {

class Controller;
class DnsDerpPanel;
class RouteModel;
class ServerSession;

// Routes (announced, approved, primary; the two rows of an HA pair side by side), the DNS settings
// with the extra records, and the DERP map (DnsDerpPanel).
class RoutesPage : public QWidget
{
    Q_OBJECT

public:
    RoutesPage(ServerSession& session, Controller& controller, QWidget* parent = nullptr);
    DnsDerpPanel* dnsDerp() const { return m_dnsDerp; }

private:
    void setApproved(bool approved);

    ServerSession& m_session;
    Controller& m_controller;
    RouteModel* m_routes;
    QTableView* m_table;
    DnsDerpPanel* m_dnsDerp;
};

} // namespace keel::gui
