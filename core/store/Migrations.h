#pragma once

#include <QSqlDatabase>
#include <QString>

namespace keel::store {

// The schema's version history. Version N is reached by applying steps 1..N in order, each in its
// own transaction together with the bump of keel_schema.version, so a failed step leaves the
// database at the previous version. Steps are never edited once released: a change is a new step.
class Migrations
{
public:
    static int latest();
    // 0 for an empty database; -1 (and *error) if it cannot be read.
    static int currentVersion(QSqlDatabase& db, bool sqlite, QString* error);
    // Applies the missing steps up to `target` (default: latest). Refuses a database newer than
    // this build knows.
    static bool migrate(QSqlDatabase& db, bool sqlite, QString* error, int target = -1);
};

} // namespace keel::store
