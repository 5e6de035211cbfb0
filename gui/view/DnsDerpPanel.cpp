#include "DnsDerpPanel.h"

#include "model/ServerSession.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace keel::gui {

namespace {
QString joined(const QJsonValue& list, const QString& none)
{
    QStringList out;
    for (const QJsonValue& v : list.toArray())
        out << v.toString();
    return out.isEmpty() ? none : out.join(QStringLiteral(", "));
}

QTreeWidget* makeTree(const QStringList& headers, const QString& objectName, const QString& accessibleName, QWidget* parent)
{
    auto* tree = new QTreeWidget(parent);
    tree->setObjectName(objectName);
    tree->setAccessibleName(accessibleName);
    tree->setHeaderLabels(headers);
    tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree->setAlternatingRowColors(true);
    return tree;
}
}

DnsDerpPanel::DnsDerpPanel(ServerSession& session, QWidget* parent)
    : QTabWidget(parent)
    , m_session(session)
{
    auto* dnsPane = new QWidget(this);
    m_dns = new QLabel(dnsPane);
    m_dns->setObjectName(QStringLiteral("dnsSettings"));
    m_dns->setWordWrap(true);
    m_dns->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_dns->setAccessibleName(tr("DNS settings"));
    m_records = makeTree({tr("Name"), tr("Type"), tr("Value")}, QStringLiteral("extraRecords"), tr("Extra DNS records"), dnsPane);
    m_records->setRootIsDecorated(false);
    auto* dnsLayout = new QVBoxLayout(dnsPane);
    dnsLayout->addWidget(m_dns);
    dnsLayout->addWidget(new QLabel(tr("Extra records (dns.extra_records, or the file dns.extra_records_path):"), dnsPane));
    dnsLayout->addWidget(m_records, 1);
    addTab(dnsPane, tr("DNS"));

    auto* derpPane = new QWidget(this);
    m_derpSummary = new QLabel(derpPane);
    m_derpSummary->setWordWrap(true);
    m_derp = makeTree({tr("Region / relay"), tr("Code / host"), tr("Addresses"), tr("STUN port")}, QStringLiteral("derpMap"),
                      tr("DERP map"), derpPane);
    auto* derpLayout = new QVBoxLayout(derpPane);
    derpLayout->addWidget(m_derpSummary);
    derpLayout->addWidget(m_derp, 1);
    addTab(derpPane, tr("DERP map"));

    connect(&session, &ServerSession::serverStatusChanged, this, &DnsDerpPanel::showStatus);
    showStatus();
}

void DnsDerpPanel::showStatus()
{
    m_records->clear();
    m_derp->clear();
    if (!m_session.hasServerStatus()) {
        const QString none = tr("This server does not report its DNS settings and DERP map through the API (an older Keel, or "
                                "Headscale): see its config.yaml.");
        m_dns->setText(none);
        m_derpSummary->setText(none);
        return;
    }
    const QJsonObject status = m_session.serverStatus();
    const QJsonObject dns = status.value(QStringLiteral("dns")).toObject();
    QStringList split;
    const QJsonObject splitNs = dns.value(QStringLiteral("splitNameservers")).toObject();
    for (auto it = splitNs.begin(); it != splitNs.end(); ++it)
        split << QStringLiteral("%1 → %2").arg(it.key(), joined(it.value(), {}));
    const QString on = tr("on"), off = tr("off"), none = tr("none");
    m_dns->setText(tr("<b>MagicDNS:</b> %1, base domain %2<br><b>Override the devices' local DNS:</b> %3<br>"
                      "<b>Nameservers:</b> %4<br><b>Split DNS:</b> %5<br><b>Search domains:</b> %6")
                       .arg(dns.value(QStringLiteral("magicDns")).toBool() ? on : off,
                            dns.value(QStringLiteral("baseDomain")).toString().toHtmlEscaped(),
                            dns.value(QStringLiteral("overrideLocalDns")).toBool() ? on : off,
                            joined(dns.value(QStringLiteral("nameservers")), none).toHtmlEscaped(),
                            (split.isEmpty() ? none : split.join(QStringLiteral("; "))).toHtmlEscaped(),
                            joined(dns.value(QStringLiteral("searchDomains")), none).toHtmlEscaped()));
    for (const QJsonValue& v : dns.value(QStringLiteral("extraRecords")).toArray()) {
        const QJsonObject r = v.toObject();
        new QTreeWidgetItem(m_records, {r.value(QStringLiteral("name")).toString(), r.value(QStringLiteral("type")).toString(),
                                        r.value(QStringLiteral("value")).toString()});
    }

    const QJsonObject derp = status.value(QStringLiteral("derp")).toObject();
    m_derpSummary->setText(derp.value(QStringLiteral("enabled")).toBool()
                               ? tr("The embedded relay serves region %1 (%2); clients connected: %3.")
                                     .arg(derp.value(QStringLiteral("regionId")).toInt())
                                     .arg(derp.value(QStringLiteral("regionCode")).toString())
                                     .arg(derp.value(QStringLiteral("clients")).toInt())
                               : tr("The embedded relay is off; devices use the regions below."));
    const QJsonObject regions = status.value(QStringLiteral("derpMap")).toObject().value(QStringLiteral("Regions")).toObject();
    QList<QJsonObject> sorted;
    for (const QJsonValue& v : regions)
        sorted << v.toObject();
    std::sort(sorted.begin(), sorted.end(), [](const QJsonObject& a, const QJsonObject& b) {
        return a.value(QStringLiteral("RegionID")).toInt() < b.value(QStringLiteral("RegionID")).toInt();
    });
    for (const QJsonObject& region : sorted) {
        auto* item = new QTreeWidgetItem(m_derp, {QStringLiteral("%1 %2").arg(region.value(QStringLiteral("RegionID")).toInt())
                                                      .arg(region.value(QStringLiteral("RegionName")).toString()),
                                                  region.value(QStringLiteral("RegionCode")).toString()});
        for (const QJsonValue& n : region.value(QStringLiteral("Nodes")).toArray()) {
            const QJsonObject node = n.toObject();
            QStringList addresses;
            for (const char* key : {"IPv4", "IPv6"})
                if (const QString a = node.value(QLatin1String(key)).toString(); !a.isEmpty())
                    addresses << a;
            const int stunPort = node.value(QStringLiteral("STUNPort")).toInt();
            new QTreeWidgetItem(item, {node.value(QStringLiteral("Name")).toString(), node.value(QStringLiteral("HostName")).toString(),
                                       addresses.join(QStringLiteral(", ")), stunPort < 0 ? off : QString::number(stunPort == 0 ? 3478 : stunPort)});
        }
    }
    m_derp->expandAll();
    if (sorted.isEmpty())
        new QTreeWidgetItem(m_derp, {tr("The DERP map is empty: devices can only connect directly.")});
}

} // namespace keel::gui
