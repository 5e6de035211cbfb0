#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace keel::gui {

class Controller;
class RouteModel;
class ServerSession;

// Routes (announced, approved, primary; the two rows of an HA pair side by side), and what this
// window knows of DNS and the DERP map.
class RoutesPage : public QWidget
{
    Q_OBJECT

public:
    RoutesPage(ServerSession& session, Controller& controller, QWidget* parent = nullptr);
    void setDnsDerpText(const QString& html);

private:
    void setApproved(bool approved);

    ServerSession& m_session;
    Controller& m_controller;
    RouteModel* m_routes;
    QTableView* m_table;
    QLabel* m_dnsDerp;
};

} // namespace keel::gui
