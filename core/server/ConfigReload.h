#pragma once

#include "config/Config.h"

#include <QStringList>

namespace keel::server {

// What a SIGHUP may change in a running server. The DNS keys are applied live (they reach the
// nodes as a DNSConfig delta), and so are the DERP relay's rate limit and the log level; every
// other key is read by a part built once at start
// (listeners, database, keys, prefixes, DERP, OIDC, names under base_domain), so a change there
// is reported as needing a restart and the running value is kept.
class ConfigReload
{
public:
    // The config keys whose values differ between the two, in config-file order.
    static QStringList changedKeys(const config::Config& running, const config::Config& loaded);
    static bool isReloadable(const QString& key);
    // Copies the reloadable keys of `loaded` into `running`, leaving the rest as they are.
    static void applyReloadable(config::Config& running, const config::Config& loaded);
};

} // namespace keel::server
