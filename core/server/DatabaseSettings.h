#pragma once

#include "config/Config.h"
#include "store/DatabaseOptions.h"

namespace keel::server {

// The database.* keys of the configuration as the store takes them. One mapping for the running
// server and the offline maintenance commands.
store::DatabaseOptions databaseOptions(const config::Config& config);
// "SQLite /var/lib/keel/db.sqlite" or "PostgreSQL keel@db:5432/keel", for messages.
QString describeDatabase(const store::DatabaseOptions& options);

} // namespace keel::server
