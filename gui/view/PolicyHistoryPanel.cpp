#include "PolicyHistoryPanel.h"

#include "LineDiff.h"
#include "app/Controller.h"
#include "model/ServerSession.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBlock>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace keel::gui {

PolicyHistoryPanel::PolicyHistoryPanel(ServerSession& session, Controller& controller, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_controller(controller)
{
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("policyHistory"));
    m_list->setAccessibleName(tr("Policy history"));
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("#"), tr("Stored"), tr("By"), tr("Note")});
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_diff = new QPlainTextEdit(this);
    m_diff->setReadOnly(true);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setAccessibleName(tr("Differences between the selected policy and the policy in force"));
    m_rollback = new QPushButton(tr("&Roll back to this version"), this);
    m_rollback->setAccessibleName(tr("Put the selected policy in force again"));
    m_rollback->setToolTip(tr("The server checks the old policy against today's users and nodes and runs its tests first"));
    m_rollback->setEnabled(false);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("History"), this));
    layout->addWidget(m_list, 2);
    layout->addWidget(new QLabel(tr("Changes from the policy in force to the selected one:"), this));
    layout->addWidget(m_diff, 3);
    layout->addWidget(m_status);
    layout->addWidget(m_rollback);

    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &PolicyHistoryPanel::selectionChanged);
    connect(m_rollback, &QPushButton::clicked, this, [this] { rollBackSelected(true); });
    connect(&session, &ServerSession::policyChanged, this, &PolicyHistoryPanel::reload);
    reload();
}

void PolicyHistoryPanel::reload()
{
    m_controller.policyHistory(
        [this](const QJsonObject& answer) {
            m_status->clear();
            show(answer.value(QStringLiteral("entries")).toArray());
        },
        [this](const QString& error) {
            // A file-mode policy (or Headscale) keeps no history: say why the list is empty.
            show({});
            m_status->setText(tr("No history: %1").arg(error));
        });
}

void PolicyHistoryPanel::show(const QJsonArray& entries)
{
    const QString selected = m_list->currentItem() ? m_list->currentItem()->text(0) : QString();
    m_entries = entries;
    m_list->clear();
    for (int i = 0; i < entries.size(); ++i) {
        const QJsonObject e = entries[i].toObject();
        const QDateTime when = QDateTime::fromString(e.value(QStringLiteral("updatedAt")).toString(), Qt::ISODateWithMs);
        const QString actor = e.value(QStringLiteral("actor")).toString();
        QString note = e.value(QStringLiteral("note")).toString();
        if (i == 0)
            note = note.isEmpty() ? tr("in force") : tr("in force (%1)").arg(note);
        auto* item = new QTreeWidgetItem(m_list, {e.value(QStringLiteral("id")).toString(),
                                                  QLocale().toString(when.toLocalTime(), QLocale::ShortFormat),
                                                  actor.isEmpty() ? tr("unknown") : actor, note});
        item->setData(0, Qt::UserRole, i);
        if (item->text(0) == selected)
            m_list->setCurrentItem(item);
    }
    selectionChanged();
    Q_EMIT loaded();
}

void PolicyHistoryPanel::selectionChanged()
{
    const QTreeWidgetItem* item = m_list->currentItem();
    const int index = item ? item->data(0, Qt::UserRole).toInt() : -1;
    m_rollback->setEnabled(index > 0);   // entry 0 is the policy in force
    if (index < 0) {
        m_diff->clear();
        return;
    }
    const QString text = m_entries[index].toObject().value(QStringLiteral("policy")).toString();
    const QStringList lines = lineDiff(m_session.policyText(), text);
    m_diff->setPlainText(lines.isEmpty() ? tr("The same as the policy in force.") : lines.join(QLatin1Char('\n')));
    QList<QTextEdit::ExtraSelection> colours;
    for (QTextBlock b = m_diff->document()->firstBlock(); b.isValid() && !lines.isEmpty(); b = b.next()) {
        const QChar c = b.text().isEmpty() ? QChar() : b.text().at(0);
        if (c != QLatin1Char('+') && c != QLatin1Char('-'))
            continue;
        QTextEdit::ExtraSelection s;
        s.format.setBackground(c == QLatin1Char('+') ? QColor(0, 160, 0, 45) : QColor(220, 0, 0, 45));
        s.format.setProperty(QTextFormat::FullWidthSelection, true);
        s.cursor = QTextCursor(b);
        colours.append(s);
    }
    m_diff->setExtraSelections(colours);
}

void PolicyHistoryPanel::rollBackSelected(bool confirm)
{
    const QTreeWidgetItem* item = m_list->currentItem();
    if (!item || item->data(0, Qt::UserRole).toInt() <= 0)
        return;
    const QString id = item->text(0);
    if (confirm
        && QMessageBox::question(this, tr("Roll back the policy"),
                                 tr("Put policy %1 (stored %2) in force again for every node?").arg(id, item->text(1)))
               != QMessageBox::Yes)
        return;
    m_rollback->setEnabled(false);
    m_status->setText(tr("Rolling back…"));
    m_controller.rollbackPolicy(
        id, [this, id](const QJsonObject&) { m_status->setText(tr("Policy %1 is in force again.").arg(id)); },
        [this](const QString& error) {
            m_status->setText(tr("Not rolled back: %1").arg(error));
            selectionChanged();
        });
}

} // namespace keel::gui
