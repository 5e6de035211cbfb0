#pragma once

#include "config/Config.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

class QNetworkAccessManager;

namespace keel::derp {

// Builds the tailcfg.DERPMap control sends to nodes (spec A.12/A.13): derp.urls (fetched as JSON)
// then derp.paths (YAML or JSON files) merged by region id, later sources winning and a `null`
// region deleting one, then the embedded region (derp.server.region_id/code/name, host and port
// from server_url, STUN port from stun_listen_addr) when the embedded server is on. When a source
// fails the last good map stays and the failure is logged once per refresh. With
// derp.auto_update_enabled the map is rebuilt every derp.update_frequency; mapChanged() fires
// only when the result differs, for the mapper to push to every node.
class DerpMapBuilder : public QObject
{
    Q_OBJECT

public:
    explicit DerpMapBuilder(const config::Config& config, QObject* parent = nullptr);
    ~DerpMapBuilder() override;

    // First build (asynchronous when there are URLs), then the periodic refresh if enabled.
    void start();
    void refresh();
    // The map as last built; empty until the first build finished.
    QJsonObject currentMap() const { return m_current; }
    bool hasMap() const { return !m_current.isEmpty(); }

    // The embedded region alone (RegionID, RegionCode, RegionName, one node).
    QJsonObject embeddedRegion() const;
    // Merges `source` ({"Regions":{...}}) into `regions`: later wins, null deletes.
    static void merge(QJsonObject& regions, const QJsonObject& source);

signals:
    void mapChanged(const QJsonObject& map);
    // One refresh finished; `ok` is false when a source failed and the last good map was kept.
    void refreshed(bool ok);

private:
    void fetchNext();
    void finishRefresh();

    config::Config m_config;
    QNetworkAccessManager* m_network = nullptr;
    QTimer m_timer;
    QJsonObject m_current;

    // The refresh in progress.
    bool m_running = false;
    int m_nextUrl = 0;
    QList<QJsonObject> m_fetched;
    QStringList m_errors;
};

} // namespace keel::derp
