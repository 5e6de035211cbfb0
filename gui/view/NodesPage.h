#pragma once

#include <QJsonArray>
#include <QTimer>
#include <QWidget>

class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

namespace keel::gui {

class Controller;
class ServerSession;

// The live node table with a filter, the actions on the selected node, and a detail pane.
class NodesPage : public QWidget
{
    Q_OBJECT

public:
    NodesPage(ServerSession& session, Controller& controller, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QString selectedId() const;
    void selectNode(const QString& id);
    // The detail pane's text, and the peers last reported reachable for `reachableFor()`.
    QString detailText() const;
    QString reachableFor() const { return m_reachableFor; }

Q_SIGNALS:
    void reachableLoaded();

private:
    void updateDetail();
    void askReachable();
    QString reachableHtml() const;
    void rename();
    void editTags();
    void editRoutes();
    void move();
    void expire();
    void remove();

    ServerSession& m_session;
    Controller& m_controller;
    QLineEdit* m_filter;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QTextBrowser* m_detail;
    QList<QPushButton*> m_actions;
    QTimer m_reachableDebounce;
    QString m_reachableFor;     // the node m_reachable belongs to
    QJsonArray m_reachable;
    QString m_reachableError;
    int m_reachableSerial = 0;
};

} // namespace keel::gui
