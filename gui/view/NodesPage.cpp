#include "NodesPage.h"

#include "TableSetup.h"
#include "app/Controller.h"
#include "model/NodeModel.h"
#include "model/ServerSession.h"
#include "model/UserModel.h"

#include <QHBoxLayout>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace keel::gui {

NodesPage::NodesPage(ServerSession& session, Controller& controller, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_controller(controller)
{
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter by name, user, tag, address or OS"));
    m_filter->setAccessibleName(tr("Filter nodes"));
    m_filter->setClearButtonEnabled(true);
    m_proxy = makeProxy(&session.nodes(), this);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_table = makeTable(m_proxy, QStringLiteral("nodesTable"), tr("Nodes"), this);

    m_detail = new QTextBrowser(this);
    m_detail->setAccessibleName(tr("Node details"));
    m_detail->setOpenLinks(false);

    auto* buttons = new QHBoxLayout;
    const auto addAction = [&](const QString& text, const QString& accessible, void (NodesPage::*slot)()) {
        auto* button = new QPushButton(text, this);
        button->setAccessibleName(accessible);
        connect(button, &QPushButton::clicked, this, slot);
        buttons->addWidget(button);
        m_actions.append(button);
    };
    addAction(tr("&Rename…"), tr("Rename node"), &NodesPage::rename);
    addAction(tr("&Tags…"), tr("Edit node tags"), &NodesPage::editTags);
    addAction(tr("R&outes…"), tr("Approve node routes"), &NodesPage::editRoutes);
    addAction(tr("&Move…"), tr("Move node to another user"), &NodesPage::move);
    addAction(tr("E&xpire"), tr("Expire node key"), &NodesPage::expire);
    addAction(tr("&Delete"), tr("Delete node"), &NodesPage::remove);
    buttons->addStretch();

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("nodesSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);

    // Which peers the selected node may reach: asked when the selection, the nodes or the policy
    // change (once per burst of changes).
    m_reachableDebounce.setSingleShot(true);
    m_reachableDebounce.setInterval(300);
    connect(&m_reachableDebounce, &QTimer::timeout, this, &NodesPage::askReachable);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateDetail();
        askReachable();
    });
    connect(&session.nodes(), &NodeModel::changed, this, [this] {
        updateDetail();
        m_reachableDebounce.start();
    });
    connect(&session, &ServerSession::policyChanged, &m_reachableDebounce, qOverload<>(&QTimer::start));
    connect(m_table, &QTableView::activated, this, &NodesPage::rename);
    updateDetail();
}

QString NodesPage::selectedId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(JsonTableModel::KeyRole).toString();
}

void NodesPage::selectNode(const QString& id)
{
    const int row = m_session.nodes().rowOf(id);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_session.nodes().index(row, 0));
    m_table->selectRow(index.row());
}

void NodesPage::updateDetail()
{
    const QJsonObject n = m_session.nodes().byKey(selectedId());
    for (QPushButton* b : m_actions)
        b->setEnabled(!n.isEmpty());
    if (n.isEmpty()) {
        m_detail->setHtml(QStringLiteral("<p>%1</p>").arg(tr("Select a node to see its details.").toHtmlEscaped()));
        return;
    }
    const auto row = [](const QString& label, const QString& value) {
        return QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(label.toHtmlEscaped(), value.toHtmlEscaped());
    };
    const auto list = [&](const char* key) {
        const QStringList l = json::strings(n.value(QLatin1String(key)));
        return l.isEmpty() ? tr("none") : l.join(QStringLiteral(", "));
    };
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing=4>").arg(NodeModel::displayName(n).toHtmlEscaped());
    html += row(tr("ID"), json::text(n, "id"));
    html += row(tr("Host name"), json::text(n, "name"));
    html += row(tr("User"), json::text(n.value(QStringLiteral("user")).toObject(), "name"));
    html += row(tr("Tags"), list("tags"));
    html += row(tr("Addresses"), list("ipAddresses"));
    html += row(tr("Status"), NodeModel::isOnline(n) ? tr("Online") : tr("Offline"));
    html += row(tr("Last seen"), json::shortTime(n.value(QStringLiteral("lastSeen"))));
    html += row(tr("Key expiry"), json::time(n.value(QStringLiteral("expiry"))).isValid() ? json::shortTime(n.value(QStringLiteral("expiry"))) : tr("never"));
    html += row(tr("OS"), json::text(n, "os"));
    html += row(tr("Client version"), json::text(n, "clientVersion"));
    html += row(tr("Registered"), json::shortTime(n.value(QStringLiteral("createdAt"))));
    html += row(tr("Routes announced"), list("availableRoutes"));
    html += row(tr("Routes approved"), list("approvedRoutes"));
    html += row(tr("Routes served (primary)"), list("subnetRoutes"));
    if (n.contains(QStringLiteral("endpoints")))
        html += row(tr("Endpoints"), list("endpoints"));
    if (n.contains(QStringLiteral("derpRegion")))
        html += row(tr("DERP home"), json::text(n, "derpRegion"));
    html += row(tr("Machine key"), json::text(n, "machineKey"));
    html += row(tr("Node key"), json::text(n, "nodeKey"));
    html += QStringLiteral("</table>");
    html += reachableHtml();
    m_detail->setHtml(html);
}

QString NodesPage::detailText() const
{
    return m_detail->toPlainText();
}

void NodesPage::askReachable()
{
    const QString id = selectedId();
    const int serial = ++m_reachableSerial;
    if (id.isEmpty())
        return;
    m_controller.reachablePeers(
        id,
        [this, id, serial](const QJsonObject& answer) {
            if (serial != m_reachableSerial)
                return;   // the selection moved on
            m_reachableFor = id;
            m_reachable = answer.value(QStringLiteral("peers")).toArray();
            m_reachableError.clear();
            updateDetail();
            Q_EMIT reachableLoaded();
        },
        [this, id, serial](const QString& error) {
            if (serial != m_reachableSerial)
                return;
            m_reachableFor = id;
            m_reachable = {};
            m_reachableError = error;
            updateDetail();
            Q_EMIT reachableLoaded();
        });
}

QString NodesPage::reachableHtml() const
{
    QString html = QStringLiteral("<h4>%1</h4>").arg(tr("Can reach (under the policy in force)").toHtmlEscaped());
    if (m_reachableFor != selectedId())
        return html + QStringLiteral("<p>%1</p>").arg(tr("Asking the server…").toHtmlEscaped());
    if (!m_reachableError.isEmpty())
        return html + QStringLiteral("<p>%1</p>").arg(tr("Not known: %1").arg(m_reachableError).toHtmlEscaped());
    if (m_reachable.isEmpty())
        return html + QStringLiteral("<p>%1</p>").arg(tr("No other node.").toHtmlEscaped());
    html += QStringLiteral("<table cellspacing=4>");
    for (const QJsonValue& v : m_reachable) {
        const QJsonObject p = v.toObject();
        const QStringList ports = json::strings(p.value(QStringLiteral("ports")));
        const QString portText = ports == QStringList{QStringLiteral("*")} ? tr("all ports") : tr("ports %1").arg(ports.join(QStringLiteral(", ")));
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td>%3</td></tr>")
                    .arg(json::text(p, "name").toHtmlEscaped(), json::text(p, "ipv4").toHtmlEscaped(), portText.toHtmlEscaped());
    }
    return html + QStringLiteral("</table>");
}

void NodesPage::rename()
{
    const QJsonObject n = m_session.nodes().byKey(selectedId());
    if (n.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename node"), tr("New name (its MagicDNS name):"), QLineEdit::Normal,
                                               NodeModel::displayName(n), &ok).trimmed();
    if (ok && !name.isEmpty())
        m_controller.renameNode(json::text(n, "id"), name);
}

void NodesPage::editTags()
{
    const QJsonObject n = m_session.nodes().byKey(selectedId());
    if (n.isEmpty())
        return;
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Node tags"), tr("Tags, separated by commas (tag:server, tag:web); empty removes them:"),
                                               QLineEdit::Normal, json::strings(n.value(QStringLiteral("tags"))).join(QStringLiteral(", ")), &ok);
    if (!ok)
        return;
    QStringList tags;
    for (const QString& t : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        tags << t.trimmed();
    m_controller.setTags(json::text(n, "id"), tags);
}

void NodesPage::editRoutes()
{
    const QJsonObject n = m_session.nodes().byKey(selectedId());
    if (n.isEmpty())
        return;
    const QStringList announced = json::strings(n.value(QStringLiteral("availableRoutes")));
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Approve routes"),
                                               tr("Announced: %1\nApproved routes, separated by commas:").arg(announced.isEmpty() ? tr("none") : announced.join(QStringLiteral(", "))),
                                               QLineEdit::Normal, json::strings(n.value(QStringLiteral("approvedRoutes"))).join(QStringLiteral(", ")), &ok);
    if (!ok)
        return;
    QStringList routes;
    for (const QString& r : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        routes << r.trimmed();
    m_controller.approveRoutes(json::text(n, "id"), routes);
}

void NodesPage::move()
{
    const QJsonObject n = m_session.nodes().byKey(selectedId());
    if (n.isEmpty())
        return;
    QStringList names = m_session.users().names();
    bool ok = false;
    const QString user = QInputDialog::getItem(this, tr("Move node"), tr("New owner:"), names, 0, false, &ok);
    if (!ok)
        return;
    for (const QJsonObject& u : m_session.users().rows())
        if (json::text(u, "name") == user)
            m_controller.moveNode(json::text(n, "id"), json::text(u, "id"));
}

void NodesPage::expire()
{
    const QJsonObject n = m_session.nodes().byKey(selectedId());
    if (n.isEmpty())
        return;
    if (QMessageBox::question(this, tr("Expire node key"),
                              tr("Expire the key of %1? The device is logged out and must log in again.").arg(NodeModel::displayName(n)))
        == QMessageBox::Yes)
        m_controller.expireNode(json::text(n, "id"));
}

void NodesPage::remove()
{
    const QJsonObject n = m_session.nodes().byKey(selectedId());
    if (n.isEmpty())
        return;
    if (QMessageBox::warning(this, tr("Delete node"), tr("Delete %1 from the tailnet? This cannot be undone.").arg(NodeModel::displayName(n)),
                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Yes)
        m_controller.deleteNode(json::text(n, "id"));
}

} // namespace keel::gui
