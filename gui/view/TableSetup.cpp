#include "TableSetup.h"

#include "model/JsonTableModel.h"

#include <QHeaderView>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace keel::gui {

QSortFilterProxyModel* makeProxy(QAbstractItemModel* model, QObject* parent)
{
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(JsonTableModel::SortRole);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    return proxy;
}

QTableView* makeTable(QAbstractItemModel* model, const QString& objectName, const QString& accessibleName, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setObjectName(objectName);
    view->setAccessibleName(accessibleName);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setSortingEnabled(true);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionsMovable(true);
    view->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Columns fit their contents the first time rows arrive, unless a saved state says otherwise.
    QObject::connect(model, &QAbstractItemModel::modelReset, view, [view] {
        if (view->property("sized").toBool() || view->model()->rowCount() == 0)
            return;
        view->setProperty("sized", true);
        view->resizeColumnsToContents();
    });
    return view;
}

void saveTableStates(QWidget* root)
{
    QSettings settings;
    for (QTableView* view : root->findChildren<QTableView*>())
        if (!view->objectName().isEmpty())
            settings.setValue(QStringLiteral("tables/") + view->objectName(), view->horizontalHeader()->saveState());
}

void restoreTableStates(QWidget* root)
{
    QSettings settings;
    for (QTableView* view : root->findChildren<QTableView*>()) {
        const QByteArray state = settings.value(QStringLiteral("tables/") + view->objectName()).toByteArray();
        if (!view->objectName().isEmpty() && !state.isEmpty()) {
            view->horizontalHeader()->restoreState(state);
            view->setProperty("sized", true);
        }
    }
}

} // namespace keel::gui
