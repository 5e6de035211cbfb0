#include "derp/DerpMapBuilder.h"

#include "common/Log.h"
#include "derp/DerpMapSource.h"
#include "http/HttpServer.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace keel::derp {

namespace {
constexpr int FetchTimeoutMs = 30000;
constexpr qint64 MaxMapBytes = 16 * 1024 * 1024;
} // namespace

DerpMapBuilder::DerpMapBuilder(const config::Config& config, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_network(new QNetworkAccessManager(this))
{
    connect(&m_timer, &QTimer::timeout, this, &DerpMapBuilder::refresh);
}

DerpMapBuilder::~DerpMapBuilder() = default;

void DerpMapBuilder::start()
{
    refresh();
    if (m_config.derp.autoUpdateEnabled && m_config.derp.updateFrequencyMs > 0)
        m_timer.start(int(qMin<qint64>(m_config.derp.updateFrequencyMs, std::numeric_limits<int>::max())));
}

QJsonObject DerpMapBuilder::embeddedRegion() const
{
    const auto& s = m_config.derp.server;
    const QUrl url(m_config.serverUrl);
    const int derpPort = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    QHostAddress stunAddress;
    quint16 stunPort = 0;
    QString ignored;
    if (!s.stunListenAddr.isEmpty())
        http::HttpServer::parseHostPort(s.stunListenAddr, &stunAddress, &stunPort, &ignored);
    QJsonObject node{
        {QStringLiteral("Name"), QString::number(s.regionId)},
        {QStringLiteral("RegionID"), s.regionId},
        {QStringLiteral("HostName"), url.host()},
        {QStringLiteral("STUNPort"), stunPort == 0 ? -1 : int(stunPort)},   // -1: no STUN here
        {QStringLiteral("DERPPort"), derpPort},
    };
    if (!s.ipv4.isEmpty())
        node.insert(QStringLiteral("IPv4"), s.ipv4);
    if (!s.ipv6.isEmpty())
        node.insert(QStringLiteral("IPv6"), s.ipv6);
    return QJsonObject{
        {QStringLiteral("RegionID"), s.regionId},
        {QStringLiteral("RegionCode"), s.regionCode},
        {QStringLiteral("RegionName"), s.regionName},
        {QStringLiteral("Nodes"), QJsonArray{node}},
    };
}

void DerpMapBuilder::merge(QJsonObject& regions, const QJsonObject& source)
{
    const QJsonObject add = source.value(QStringLiteral("Regions")).toObject();
    for (auto it = add.begin(); it != add.end(); ++it) {
        if (it.value().isNull())
            regions.remove(it.key());
        else
            regions.insert(it.key(), it.value());
    }
}

void DerpMapBuilder::refresh()
{
    if (m_running)
        return;   // the previous refresh is still fetching
    m_running = true;
    m_nextUrl = 0;
    m_fetched.clear();
    m_errors.clear();
    fetchNext();
}

void DerpMapBuilder::fetchNext()
{
    if (m_nextUrl >= m_config.derp.urls.size()) {
        finishRefresh();
        return;
    }
    const QUrl url(m_config.derp.urls.at(m_nextUrl++));
    QNetworkRequest request(url);
    request.setTransferTimeout(FetchTimeoutMs);
    QNetworkReply* reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, url] {
        reply->deleteLater();
        const QByteArray body = reply->read(MaxMapBytes);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QString error;
        if (reply->error() != QNetworkReply::NoError) {
            m_errors.append(QStringLiteral("%1: %2").arg(url.toString(), reply->errorString()));
        } else if (status != 200) {
            m_errors.append(QStringLiteral("%1: HTTP %2").arg(url.toString()).arg(status));
        } else if (const auto map = DerpMapSource::parseJson(body, &error)) {
            m_fetched.append(*map);
        } else {
            m_errors.append(QStringLiteral("%1: %2").arg(url.toString(), error));
        }
        fetchNext();
    });
}

void DerpMapBuilder::finishRefresh()
{
    QJsonObject regions;
    for (const QJsonObject& map : std::as_const(m_fetched))
        merge(regions, map);
    for (const QString& path : std::as_const(m_config.derp.paths)) {
        QString error;
        if (const auto map = DerpMapSource::readFile(path, &error))
            merge(regions, *map);
        else
            m_errors.append(error);
    }
    const auto& s = m_config.derp.server;
    if (s.enabled && s.automaticallyAddEmbeddedDerpRegion)
        regions.insert(QString::number(s.regionId), embeddedRegion());
    m_running = false;

    if (!m_errors.isEmpty()) {
        // One line per refresh, not one per retry; the last good map stays in use.
        qCWarning(lcDerp).noquote() << "DERP map refresh failed, keeping the previous map:" << m_errors.join(QStringLiteral("; "));
        if (hasMap()) {
            emit refreshed(false);
            return;
        }
    }
    const QJsonObject map{{QStringLiteral("Regions"), regions}, {QStringLiteral("omitDefaultRegions"), false}};
    const bool changed = map != m_current;
    m_current = map;
    if (regions.isEmpty())
        qCWarning(lcDerp).noquote()
            << "the DERP map has no regions: nodes that cannot reach each other directly cannot talk through a relay."
            << "To fix, run the embedded relay (derp.server.enabled: true, with an https:// server_url) or use a public map"
            << "(derp.urls: [https://controlplane.tailscale.com/derpmap/default]); both are explained in config-example.yaml";
    if (changed)
        emit mapChanged(m_current);
    emit refreshed(m_errors.isEmpty());
}

} // namespace keel::derp
