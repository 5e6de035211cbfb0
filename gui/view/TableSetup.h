#pragma once

#include <QString>

class QAbstractItemModel;
class QObject;
class QSortFilterProxyModel;
class QTableView;
class QWidget;

namespace keel::gui {

// The house style of every table: whole-row selection, sorting through a filter proxy on the
// model's SortRole, an accessible name, and an object name under which its column state is saved.
QSortFilterProxyModel* makeProxy(QAbstractItemModel* model, QObject* parent);
QTableView* makeTable(QAbstractItemModel* model, const QString& objectName, const QString& accessibleName, QWidget* parent);
// Column widths and order of every named table under `root`, kept between runs (QSettings).
void saveTableStates(QWidget* root);
void restoreTableStates(QWidget* root);

} // namespace keel::gui
