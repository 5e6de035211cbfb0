#include "PolicyPage.h"

#include "HuJsonHighlighter.h"
#include "LineDiff.h"
#include "PolicyHistoryPanel.h"
#include "app/Controller.h"
#include "model/NodeModel.h"
#include "model/ServerSession.h"
#include "model/UserModel.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBlock>
#include <QVBoxLayout>

namespace keel::gui {

PolicyPage::PolicyPage(ServerSession& session, Controller& controller, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_controller(controller)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("policyEditor"));
    m_editor->setAccessibleName(tr("Policy text"));
    m_editor->setFont(mono);
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabStopDistance(QFontMetricsF(mono).horizontalAdvance(QLatin1Char(' ')) * 2);
    new HuJsonHighlighter(m_editor->document());
    m_diff = new QPlainTextEdit(this);
    m_diff->setReadOnly(true);
    m_diff->setFont(mono);
    m_diff->setAccessibleName(tr("Changes against the policy in force"));
    m_diff->hide();

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Policy check result"));
    m_save = new QPushButton(tr("&Save"), this);
    m_save->setAccessibleName(tr("Save policy"));
    m_save->setToolTip(tr("Checks the policy and runs its tests on the server, then puts it in force (Ctrl+S)"));
    m_revert = new QPushButton(tr("Re&vert"), this);
    m_revert->setAccessibleName(tr("Revert to the policy in force"));
    m_diffButton = new QPushButton(tr("Show &changes"), this);
    m_diffButton->setCheckable(true);
    m_diffButton->setAccessibleName(tr("Show changes against the policy in force"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_save);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_diffButton);
    buttons->addStretch();

    // "Can A reach B?"
    m_src = new QComboBox(this);
    m_src->setEditable(true);
    m_src->setAccessibleName(tr("Source node"));
    m_dst = new QComboBox(this);
    m_dst->setEditable(true);
    m_dst->setAccessibleName(tr("Destination node"));
    m_port = new QSpinBox(this);
    m_port->setRange(0, 65535);
    m_port->setValue(22);
    m_port->setAccessibleName(tr("Destination port"));
    m_proto = new QComboBox(this);
    m_proto->addItems({QStringLiteral("tcp"), QStringLiteral("udp"), QStringLiteral("icmp")});
    m_proto->setAccessibleName(tr("Protocol"));
    auto* ask = new QPushButton(tr("&Explain"), this);
    ask->setAccessibleName(tr("Explain whether the source can reach the destination"));
    m_answer = new QLabel(this);
    m_answer->setWordWrap(true);
    m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* explainBox = new QGroupBox(tr("Can a node reach another? (the policy in force)"), this);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("From"), this));
    row->addWidget(m_src, 2);
    row->addWidget(new QLabel(tr("to"), this));
    row->addWidget(m_dst, 2);
    row->addWidget(new QLabel(tr("port"), this));
    row->addWidget(m_port);
    row->addWidget(m_proto);
    row->addWidget(ask);
    auto* explainLayout = new QVBoxLayout(explainBox);
    explainLayout->addLayout(row);
    explainLayout->addWidget(m_answer);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_editor);
    splitter->addWidget(m_diff);
    splitter->setStretchFactor(0, 3);
    m_history = new PolicyHistoryPanel(session, controller, this);
    auto* sides = new QSplitter(Qt::Horizontal, this);
    sides->addWidget(splitter);
    sides->addWidget(m_history);
    sides->setStretchFactor(0, 3);
    sides->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(sides, 1);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    layout->addWidget(explainBox);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &PolicyPage::checkNow);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &PolicyPage::textEdited);
    connect(m_save, &QPushButton::clicked, this, &PolicyPage::save);
    connect(m_revert, &QPushButton::clicked, this, &PolicyPage::loadFromServer);
    connect(m_diffButton, &QPushButton::toggled, this, [this](bool on) {
        m_diff->setVisible(on);
        showDiff();
    });
    connect(ask, &QPushButton::clicked, this, &PolicyPage::explain);
    auto* shortcut = new QShortcut(QKeySequence::Save, this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &PolicyPage::save);
    connect(&session, &ServerSession::policyChanged, this, [this] {
        // Someone else changed the policy: take it, unless the admin is editing here.
        if (m_editor->toPlainText().isEmpty() || m_editor->toPlainText() == m_checkedText || !m_editor->document()->isModified())
            loadFromServer();
        else
            updateButtons();
    });
    connect(&session.nodes(), &NodeModel::changed, this, [this] {
        const QString src = m_src->currentText(), dst = m_dst->currentText();
        QStringList names;
        for (const QJsonObject& n : m_session.nodes().rows())
            names << NodeModel::displayName(n);
        names.sort();
        m_src->clear();
        m_src->addItems(names);
        m_dst->clear();
        m_dst->addItems(names);
        // Keep what was typed; on first fill, suggest the first two nodes.
        m_src->setCurrentText(src.isEmpty() ? names.value(0) : src);
        m_dst->setCurrentText(dst.isEmpty() ? names.value(1) : dst);
    });
    loadFromServer();
}

void PolicyPage::loadFromServer()
{
    m_loading = true;
    m_editor->setPlainText(m_session.policyText());
    m_editor->document()->setModified(false);
    m_loading = false;
    textEdited();
}

void PolicyPage::textEdited()
{
    ++m_checkSerial;   // answers to older checks are stale
    m_checking = true;
    updateButtons();
    m_debounce.start();
    if (m_diff->isVisible())
        showDiff();
}

void PolicyPage::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    QPalette p = m_status->palette();
    p.setColor(QPalette::WindowText, error ? QColor(0xc0, 0x20, 0x20) : palette().color(QPalette::WindowText));
    m_status->setPalette(p);
}

void PolicyPage::checkNow()
{
    const QString text = m_editor->toPlainText();
    const PolicyProblem local = PolicyLocator::check(text, m_session.users().names());
    if (!local.message.isEmpty()) {
        m_checking = false;
        mark(local);
        setStatus(local.line > 0 ? tr("Line %1, column %2: %3").arg(local.line).arg(local.column).arg(local.message) : local.message, true);
        updateButtons();
        return;
    }
    if (text.trimmed().isEmpty()) {
        m_checking = false;
        mark({});
        setStatus(tr("No policy: every node may reach every other node."), false);
        updateButtons();
        return;
    }
    const int serial = m_checkSerial;
    setStatus(tr("Checking on the server…"), false);
    m_controller.checkPolicy(
        text,
        [this, serial, text](const QJsonObject& answer) {
            if (serial != m_checkSerial)
                return;
            m_checking = false;
            m_checkedText = text;
            mark({});
            const QString against = answer.value(QStringLiteral("checkedAgainst")).toString();
            setStatus(against.isEmpty() ? tr("The policy is valid and its tests pass.")
                                        : tr("The policy is valid and its tests pass (checked against %1).").arg(against),
                      false);
            updateButtons();
        },
        [this, serial, text](const QString& error) {
            if (serial != m_checkSerial)
                return;
            m_checking = false;
            const PolicyProblem problem = PolicyLocator::locate(text, error);
            mark(problem);
            setStatus(problem.line > 0 ? tr("Line %1: %2").arg(problem.line).arg(error) : error, true);
            updateButtons();
        });
}

void PolicyPage::mark(const PolicyProblem& problem)
{
    m_problem = problem;
    QList<QTextEdit::ExtraSelection> marks;
    if (problem.line > 0) {
        const QTextBlock block = m_editor->document()->findBlockByNumber(problem.line - 1);
        if (block.isValid()) {
            QTextEdit::ExtraSelection line;
            line.format.setBackground(QColor(255, 0, 0, 40));
            line.format.setProperty(QTextFormat::FullWidthSelection, true);
            line.cursor = QTextCursor(block);
            marks.append(line);
            QTextEdit::ExtraSelection at;
            at.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            at.format.setUnderlineColor(Qt::red);
            at.cursor = QTextCursor(block);
            at.cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, qMax(0, qMin(problem.column - 1, block.length() - 1)));
            at.cursor.movePosition(QTextCursor::EndOfWord, QTextCursor::KeepAnchor);
            if (!at.cursor.hasSelection())
                at.cursor.movePosition(QTextCursor::Right, QTextCursor::KeepAnchor);
            marks.append(at);
        }
    }
    m_editor->setExtraSelections(marks);
}

void PolicyPage::updateButtons()
{
    const QString text = m_editor->toPlainText();
    const bool changed = text != m_session.policyText();
    m_save->setEnabled(!m_checking && m_problem.message.isEmpty() && changed && text == m_checkedText);
    m_revert->setEnabled(changed);
}

void PolicyPage::save()
{
    const QString text = m_editor->toPlainText();
    if (m_checking || !m_problem.message.isEmpty() || text != m_checkedText || text == m_session.policyText())
        return;   // not checked, not valid, or nothing to save: the button says so already
    m_save->setEnabled(false);
    // Checked once more right before saving: the policy's tests run against the nodes as they are now.
    m_controller.checkPolicy(
        text,
        [this, text](const QJsonObject&) {
            m_controller.setPolicy(
                text,
                [this](const QJsonObject&) {
                    m_editor->document()->setModified(false);
                    setStatus(tr("Saved: the policy is in force."), false);
                },
                [this, text](const QString& error) {
                    mark(PolicyLocator::locate(text, error));
                    setStatus(tr("Not saved: %1").arg(error), true);
                    updateButtons();
                });
        },
        [this, text](const QString& error) {
            m_checkedText.clear();
            mark(PolicyLocator::locate(text, error));
            setStatus(tr("Not saved: %1").arg(error), true);
            updateButtons();
        });
}

void PolicyPage::showDiff()
{
    if (!m_diff->isVisible())
        return;
    const QStringList lines = lineDiff(m_session.policyText(), m_editor->toPlainText());
    m_diff->setPlainText(lines.isEmpty() ? tr("No changes against the policy in force.") : lines.join(QLatin1Char('\n')));
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

void PolicyPage::explain()
{
    m_answer->setText(tr("Asking…"));
    m_controller.explainPolicy(
        m_src->currentText().trimmed(), m_dst->currentText().trimmed(), m_port->value(), m_proto->currentText(),
        [this](const QJsonObject& a) {
            QStringList rules;
            for (const QJsonValue& r : a.value(QStringLiteral("rules")).toArray())
                rules << (r.isString() ? r.toString() : QString::fromUtf8(QJsonDocument(r.toObject()).toJson(QJsonDocument::Compact)));
            const QString reason = a.value(QStringLiteral("reason")).toString();
            QString text = a.value(QStringLiteral("allowed")).toBool() ? tr("Allowed.") : tr("Not allowed.");
            if (!reason.isEmpty())
                text += QLatin1Char(' ') + reason;
            if (!rules.isEmpty())
                text += QLatin1Char('\n') + tr("Rules: %1").arg(rules.join(QStringLiteral("; ")));
            m_answer->setText(text);
        },
        [this](const QString& error) { m_answer->setText(error); });
}

} // namespace keel::gui
