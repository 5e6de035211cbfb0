#include "RoutesPage.h"

#include "DnsDerpPanel.h"
#include "TableSetup.h"
#include "app/Controller.h"
#include "model/NodeModel.h"
#include "model/RouteModel.h"
#include "model/ServerSession.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace keel::gui {

RoutesPage::RoutesPage(ServerSession& session, Controller& controller, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_controller(controller)
    , m_routes(new RouteModel(session.nodes(), this))
{
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_routes);
    m_table = makeTable(proxy, QStringLiteral("routesTable"), tr("Routes"), this);
    auto* approve = new QPushButton(tr("&Approve"), this);
    approve->setAccessibleName(tr("Approve route"));
    auto* withdraw = new QPushButton(tr("&Withdraw approval"), this);
    withdraw->setAccessibleName(tr("Withdraw route approval"));
    connect(approve, &QPushButton::clicked, this, [this] { setApproved(true); });
    connect(withdraw, &QPushButton::clicked, this, [this] { setApproved(false); });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(approve);
    buttons->addWidget(withdraw);
    buttons->addStretch();

    auto* routesBox = new QGroupBox(tr("Subnet routes and exit nodes"), this);
    auto* routesLayout = new QVBoxLayout(routesBox);
    routesLayout->addLayout(buttons);
    routesLayout->addWidget(m_table, 1);

    m_dnsDerp = new DnsDerpPanel(session, this);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(routesBox, 3);
    layout->addWidget(m_dnsDerp, 2);
}

void RoutesPage::setApproved(bool approved)
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_table->model());
    const RouteModel::Route route = m_routes->route(proxy->mapToSource(rows.first()).row());
    QStringList routes = json::strings(m_session.nodes().byKey(route.nodeId).value(QStringLiteral("approvedRoutes")));
    routes.removeAll(route.prefix);
    if (approved)
        routes.append(route.prefix);
    m_controller.approveRoutes(route.nodeId, routes);
}

} // namespace keel::gui
