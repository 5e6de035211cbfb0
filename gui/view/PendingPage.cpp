#include "PendingPage.h"

#include "TableSetup.h"
#include "app/Controller.h"
#include "model/NodeModel.h"
#include "model/PendingModel.h"
#include "model/ServerSession.h"
#include "model/UserModel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace keel::gui {

namespace {
// The nodes the admin has not authorized yet (device approval).
class UnauthorizedNodes : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool filterAcceptsRow(int row, const QModelIndex&) const override
    {
        auto* nodes = static_cast<NodeModel*>(sourceModel());
        return !NodeModel::isAuthorized(nodes->object(row));
    }
};
}

PendingPage::PendingPage(ServerSession& session, Controller& controller, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_controller(controller)
{
    m_notice = new QLabel(this);
    m_notice->setWordWrap(true);
    m_table = makeTable(makeProxy(&session.pending(), this), QStringLiteral("pendingTable"), tr("Pending registrations"), this);

    m_user = new QComboBox(this);
    m_user->setAccessibleName(tr("Owner of the approved node"));
    m_tags = new QLineEdit(this);
    m_tags->setPlaceholderText(tr("tag:server, tag:web (optional)"));
    m_tags->setAccessibleName(tr("Tags for the approved node"));
    m_approve = new QPushButton(tr("&Approve"), this);
    m_approve->setAccessibleName(tr("Approve registration"));
    m_reject = new QPushButton(tr("Re&ject"), this);
    m_reject->setAccessibleName(tr("Reject registration"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Owner:"), m_user);
    form->addRow(tr("T&ags:"), m_tags);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_approve);
    buttons->addWidget(m_reject);
    buttons->addStretch();
    form->addRow(buttons);

    auto* registrations = new QGroupBox(tr("Devices asking to join"), this);
    auto* regLayout = new QVBoxLayout(registrations);
    regLayout->addWidget(m_notice);
    regLayout->addWidget(m_table, 1);
    regLayout->addLayout(form);

    auto* unauthorized = new UnauthorizedNodes(this);
    unauthorized->setSourceModel(&session.nodes());
    m_devices = makeTable(unauthorized, QStringLiteral("unauthorizedTable"), tr("Devices waiting for authorization"), this);
    m_authorize = new QPushButton(tr("A&uthorize"), this);
    m_authorize->setAccessibleName(tr("Authorize device"));
    auto* devices = new QGroupBox(tr("Registered devices waiting for authorization (device approval)"), this);
    auto* devLayout = new QVBoxLayout(devices);
    devLayout->addWidget(m_devices, 1);
    auto* devButtons = new QHBoxLayout;
    devButtons->addWidget(m_authorize);
    devButtons->addStretch();
    devLayout->addLayout(devButtons);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(registrations, 3);
    layout->addWidget(devices, 2);

    connect(m_approve, &QPushButton::clicked, this, &PendingPage::approve);
    connect(m_reject, &QPushButton::clicked, this, &PendingPage::reject);
    connect(m_authorize, &QPushButton::clicked, this, &PendingPage::authorize);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &PendingPage::updateState);
    connect(m_devices->selectionModel(), &QItemSelectionModel::selectionChanged, this, &PendingPage::updateState);
    connect(&session.pending(), &PendingModel::changed, this, &PendingPage::updateState);
    connect(&session.nodes(), &NodeModel::changed, unauthorized, &QSortFilterProxyModel::invalidate);
    connect(&session.users(), &UserModel::changed, this, [this] {
        const QString current = m_user->currentText();
        m_user->clear();
        m_user->addItems(m_session.users().names());
        if (const int at = m_user->findText(current); at >= 0)
            m_user->setCurrentIndex(at);
        updateState();
    });
    updateState();
}

QString PendingPage::selectedAuthId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(JsonTableModel::KeyRole).toString();
}

void PendingPage::updateState()
{
    if (!m_session.hasPendingApi())
        m_notice->setText(tr("This server does not list waiting registrations. Approve one with the command its login page shows."));
    else if (m_session.pending().rowCount() == 0)
        m_notice->setText(tr("No device is waiting. A device that runs `tailscale up --login-server=…` without a key appears here."));
    else
        m_notice->setText(tr("Select a device, choose its owner and approve it, or reject it."));
    const bool selected = !selectedAuthId().isEmpty();
    m_approve->setEnabled(selected && m_user->count() > 0);
    m_reject->setEnabled(selected);
    m_authorize->setEnabled(!m_devices->selectionModel()->selectedRows().isEmpty());
}

void PendingPage::approve()
{
    const QString authId = selectedAuthId();
    if (authId.isEmpty() || m_user->currentText().isEmpty())
        return;
    QStringList tags;
    for (const QString& t : m_tags->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        tags << t.trimmed();
    m_controller.approveRegistration(authId, m_user->currentText(), tags);
}

void PendingPage::reject()
{
    const QString authId = selectedAuthId();
    if (!authId.isEmpty())
        m_controller.rejectRegistration(authId);
}

void PendingPage::authorize()
{
    const QModelIndexList rows = m_devices->selectionModel()->selectedRows();
    if (!rows.isEmpty())
        m_controller.authorizeNode(rows.first().data(JsonTableModel::KeyRole).toString());
}

} // namespace keel::gui
