#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>

namespace keel::gui {

class NodeModel;

// Every subnet and exit route of every node, derived from the node model: who announces it,
// whether it is approved, and whether the node serves it now (primary; an HA pair shows two rows
// for one prefix, one of them primary).
class RouteModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Prefix, Node, Approved, Serving };
    struct Route
    {
        QString nodeId, nodeName, prefix;
        bool approved = false, serving = false;
    };

    explicit RouteModel(NodeModel& nodes, QObject* parent = nullptr);

    const Route& route(int row) const { return m_routes[row]; }
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void rebuild();

    NodeModel& m_nodes;
    QList<Route> m_routes;
};

} // namespace keel::gui
