#include "RouteModel.h"

#include "NodeModel.h"

namespace keel::gui {

RouteModel::RouteModel(NodeModel& nodes, QObject* parent)
    : QAbstractTableModel(parent)
    , m_nodes(nodes)
{
    connect(&m_nodes, &NodeModel::changed, this, &RouteModel::rebuild);
    rebuild();
}

void RouteModel::rebuild()
{
    QList<Route> routes;
    for (const QJsonObject& n : m_nodes.rows()) {
        const QStringList approved = json::strings(n.value(QStringLiteral("approvedRoutes")));
        const QStringList serving = json::strings(n.value(QStringLiteral("subnetRoutes")));
        QStringList all = json::strings(n.value(QStringLiteral("availableRoutes")));
        for (const QString& a : approved)
            if (!all.contains(a))
                all.append(a);
        for (const QString& prefix : all)
            routes.append({json::text(n, "id"), NodeModel::displayName(n), prefix, approved.contains(prefix), serving.contains(prefix)});
    }
    std::sort(routes.begin(), routes.end(), [](const Route& a, const Route& b) {
        return a.prefix == b.prefix ? a.nodeName < b.nodeName : a.prefix < b.prefix;
    });
    beginResetModel();
    m_routes = routes;
    endResetModel();
}

int RouteModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_routes.size());
}

int RouteModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 4;
}

QVariant RouteModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole)
        return {};
    const Route& r = m_routes[index.row()];
    switch (index.column()) {
    case Prefix: {
        const bool exit = r.prefix == QLatin1String("0.0.0.0/0") || r.prefix == QLatin1String("::/0");
        return exit ? tr("%1 (exit node)").arg(r.prefix) : r.prefix;
    }
    case Node: return r.nodeName;
    case Approved: return r.approved ? tr("approved") : tr("not approved");
    case Serving: return r.serving ? tr("primary") : (r.approved ? tr("standby") : QString());
    }
    return {};
}

QVariant RouteModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Prefix: return tr("Route");
    case Node: return tr("Node");
    case Approved: return tr("Approval");
    case Serving: return tr("Serving");
    }
    return {};
}

} // namespace keel::gui
