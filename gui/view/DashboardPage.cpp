#include "DashboardPage.h"

#include "OnlineChart.h"
#include "model/NodeModel.h"
#include "model/PendingModel.h"
#include "model/ServerSession.h"
#include "model/UserModel.h"

#include <QGridLayout>
#include <QJsonObject>
#include <QGroupBox>
#include <QLabel>
#include <QVBoxLayout>
#include <QVersionNumber>

namespace keel::gui {

namespace {
QLabel* figure(QGridLayout* grid, int row, int column, const QString& caption, QWidget* parent)
{
    auto* box = new QGroupBox(caption, parent);
    auto* value = new QLabel(box);
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    value->setFont(f);
    value->setAccessibleName(caption);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(value);
    grid->addWidget(box, row, column);
    return value;
}
}

bool DashboardPage::isOutdated(const QString& clientVersion)
{
    const QVersionNumber v = QVersionNumber::fromString(clientVersion.section(QLatin1Char('-'), 0, 0));
    return !v.isNull() && v < QVersionNumber(1, 70);
}

DashboardPage::DashboardPage(ServerSession& session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
{
    auto* grid = new QGridLayout;
    m_online = figure(grid, 0, 0, tr("Nodes online"), this);
    m_pending = figure(grid, 0, 1, tr("Waiting for approval"), this);
    m_users = figure(grid, 0, 2, tr("Users"), this);
    m_outdated = figure(grid, 1, 0, tr("Clients older than 1.70"), this);
    m_relay = figure(grid, 1, 1, tr("Relay (DERP) and STUN"), this);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    m_relay->setFont(font());
    m_chart = new OnlineChart(this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addWidget(m_chart, 1);
    m_outdated->setAccessibleDescription(tr("Nodes whose Tailscale client is older than the oldest version Keel supports"));
    showServerStatus();
    connect(&session, &ServerSession::serverStatusChanged, this, &DashboardPage::showServerStatus);
    // The chart's samples are kept between runs, per server.
    m_chart->setStorageKey(session.client().endpoint().describe());

    for (JsonTableModel* model : QList<JsonTableModel*>{&session.nodes(), &session.pending(), &session.users()})
        connect(model, &JsonTableModel::changed, this, &DashboardPage::refresh);
    m_sampler.setInterval(5 * 60 * 1000);
    connect(&m_sampler, &QTimer::timeout, this, [this] { m_chart->addSample(m_session.nodes().onlineCount()); });
    m_sampler.start();
    refresh();
}

void DashboardPage::showServerStatus()
{
    if (!m_session.hasServerStatus()) {
        m_relay->setText(tr("Not known (the server does not report it)"));
        return;
    }
    const QJsonObject status = m_session.serverStatus();
    const QJsonObject derp = status.value(QStringLiteral("derp")).toObject();
    const QJsonObject stun = status.value(QStringLiteral("stun")).toObject();
    QStringList lines;
    if (derp.value(QStringLiteral("enabled")).toBool())
        lines << tr("Embedded relay on (region %1), clients connected: %2")
                     .arg(derp.value(QStringLiteral("regionCode")).toString())
                     .arg(derp.value(QStringLiteral("clients")).toInt());
    else
        lines << tr("Embedded relay off");
    if (stun.value(QStringLiteral("enabled")).toBool())
        lines << tr("STUN on port %1, requests answered: %2")
                     .arg(stun.value(QStringLiteral("port")).toInt())
                     .arg(stun.value(QStringLiteral("requests")).toInteger());
    else
        lines << tr("STUN off");
    m_relay->setText(lines.join(QLatin1Char('\n')));
}

QString DashboardPage::relayText() const
{
    return m_relay->text();
}

QString DashboardPage::outdatedText() const
{
    return m_outdated->text();
}

QString DashboardPage::onlineText() const
{
    return m_online->text();
}

void DashboardPage::refresh()
{
    const NodeModel& nodes = m_session.nodes();
    const int online = nodes.onlineCount();
    m_online->setText(tr("%1 of %2").arg(online).arg(nodes.rowCount()));
    int waiting = m_session.pending().rowCount();
    QStringList outdated;
    for (const QJsonObject& n : nodes.rows()) {
        waiting += NodeModel::isAuthorized(n) ? 0 : 1;
        if (isOutdated(json::text(n, "clientVersion")))
            outdated << tr("%1 (%2)").arg(NodeModel::displayName(n), json::text(n, "clientVersion").section(QLatin1Char('-'), 0, 0));
    }
    outdated.sort();
    m_pending->setText(QString::number(waiting));
    m_users->setText(QString::number(m_session.users().rowCount()));
    // The count, then which nodes (the first five).
    QString text = QString::number(outdated.size());
    if (!outdated.isEmpty()) {
        const QStringList shown = outdated.mid(0, 5);
        text += QStringLiteral("<br><span style=\"font-size: small; font-weight: normal\">%1</span>")
                    .arg((shown.join(QStringLiteral(", ")) + (outdated.size() > 5 ? QStringLiteral(", …") : QString())).toHtmlEscaped());
    }
    m_outdated->setText(text);
    m_chart->addSample(online);
}

} // namespace keel::gui
