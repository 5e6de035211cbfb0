#include "server/DatabaseSettings.h"

namespace keel::server {

store::DatabaseOptions databaseOptions(const config::Config& c)
{
    store::DatabaseOptions o;
    o.type = c.database.type;
    o.sqlitePath = c.database.sqlite.path;
    o.sqliteWal = c.database.sqlite.writeAheadLog;
    o.walAutocheckpoint = c.database.sqlite.walAutocheckpoint;
    o.pgHost = c.database.postgres.host;
    o.pgPort = c.database.postgres.port;
    o.pgName = c.database.postgres.name;
    o.pgUser = c.database.postgres.user;
    o.pgPass = c.database.postgres.pass;
    o.pgSsl = c.database.postgres.ssl;
    return o;
}

QString describeDatabase(const store::DatabaseOptions& o)
{
    return o.type.startsWith(QLatin1String("sqlite"))
        ? QStringLiteral("SQLite %1").arg(o.sqlitePath)
        : QStringLiteral("PostgreSQL %1@%2:%3/%4").arg(o.pgUser, o.pgHost).arg(o.pgPort).arg(o.pgName);
}

} // namespace keel::server
