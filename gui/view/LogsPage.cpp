#include "LogsPage.h"

#include "TableSetup.h"
#include "model/AuditModel.h"
#include "model/LogModel.h"
#include "model/ServerSession.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace keel::gui {

namespace {
// Level at least the chosen one, module containing the text.
class LogFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setMinimumLevel(int level)
    {
        m_level = level;
        invalidateFilter();
    }
    void setModule(const QString& module)
    {
        m_module = module;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, LogModel::Module, parent);
        return index.data(LogModel::LevelRole).toInt() >= m_level
            && (m_module.isEmpty() || index.data().toString().contains(m_module, Qt::CaseInsensitive));
    }

private:
    int m_level = 1;
    QString m_module;
};
}

LogsPage::LogsPage(ServerSession& session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
{
    m_tabs = new QTabWidget(this);

    m_logPane = new QWidget(this);
    m_logNotice = new QLabel(m_logPane);
    m_logNotice->setWordWrap(true);
    m_logNotice->hide();
    auto* logLayout = new QVBoxLayout(m_logPane);
    logLayout->addWidget(m_logNotice);
    m_tabs->addTab(m_logPane, tr("Server log"));
    setUpServerLog();

    auto* auditPane = new QWidget(this);
    auto* auditFilter = new QLineEdit(auditPane);
    auditFilter->setPlaceholderText(tr("Filter by actor, action or target"));
    auditFilter->setAccessibleName(tr("Filter audit log"));
    auditFilter->setClearButtonEnabled(true);
    auto* auditProxy = makeProxy(&session.audit(), this);
    connect(auditFilter, &QLineEdit::textChanged, auditProxy, &QSortFilterProxyModel::setFilterFixedString);
    auto* auditTable = makeTable(auditProxy, QStringLiteral("auditTable"), tr("Audit log"), auditPane);
    auditTable->sortByColumn(0, Qt::DescendingOrder);
    m_auditNotice = new QLabel(auditPane);
    m_auditNotice->setWordWrap(true);
    auto* auditLayout = new QVBoxLayout(auditPane);
    auditLayout->addWidget(m_auditNotice);
    auditLayout->addWidget(auditFilter);
    auditLayout->addWidget(auditTable, 1);
    m_tabs->addTab(auditPane, tr("Audit log"));
    const auto updateAuditNotice = [this] {
        m_auditNotice->setVisible(!m_session.hasAuditApi());
        m_auditNotice->setText(tr("This server keeps no audit log that the API can read."));
    };
    connect(&session.audit(), &AuditModel::changed, this, updateAuditNotice);
    updateAuditNotice();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
}

void LogsPage::setUpServerLog()
{
    m_log = new LogModel(m_session.client(), this);
    connect(m_log, &LogModel::unsupported, this, [this] {
        m_logNotice->setText(tr("This server does not offer its log through the API (an older Keel, or Headscale): "
                                "see its journal (journalctl -u keel)."));
        m_logNotice->show();
    });
    connect(m_log, &LogModel::connectedChanged, this, [this](bool connected) {
        m_logNotice->setText(tr("Not connected to the server's log; reconnecting…"));
        m_logNotice->setVisible(!connected);
    });
    auto* filter = new LogFilter(this);
    filter->setSourceModel(m_log);
    auto* level = new QComboBox(m_logPane);
    level->setAccessibleName(tr("Lowest level shown"));
    level->addItem(tr("Debug and above"), 0);
    level->addItem(tr("Info and above"), 1);
    level->addItem(tr("Warnings and errors"), 2);
    level->addItem(tr("Errors only"), 3);
    level->setCurrentIndex(1);
    auto* module = new QLineEdit(m_logPane);
    module->setPlaceholderText(tr("Module (keel.control, keel.derp, …)"));
    module->setAccessibleName(tr("Filter log by module"));
    module->setClearButtonEnabled(true);
    connect(level, &QComboBox::currentIndexChanged, this, [filter, level] { filter->setMinimumLevel(level->currentData().toInt()); });
    connect(module, &QLineEdit::textChanged, filter, &LogFilter::setModule);
    auto* table = makeTable(filter, QStringLiteral("logTable"), tr("Server log"), m_logPane);
    table->setSortingEnabled(false);
    table->horizontalHeader()->setSectionResizeMode(LogModel::Message, QHeaderView::Stretch);
    // Follows the newest line unless the user scrolled up.
    connect(filter, &QAbstractItemModel::rowsInserted, table, [table] {
        if (table->verticalScrollBar()->value() >= table->verticalScrollBar()->maximum() - 2)
            QMetaObject::invokeMethod(table, [table] { table->scrollToBottom(); }, Qt::QueuedConnection);
    });
    auto* row = new QHBoxLayout;
    row->addWidget(level);
    row->addWidget(module, 1);
    auto* layout = static_cast<QVBoxLayout*>(m_logPane->layout());
    layout->addLayout(row);
    layout->addWidget(table, 1);
    m_log->start();
}

} // namespace keel::gui
