#pragma once

#include "backup/ExportDocument.h"
#include "store/Result.h"

namespace keel::store {

class Store;

// Writes an ExportDocument into an EMPTY database, all of it in one write transaction, ids
// preserved (identity sequences are moved past the highest id on PostgreSQL; SQLite's AUTOINCREMENT
// follows explicit ids by itself). Anything wrong - a non-empty database, a dangling reference, a
// malformed key, a duplicate - fails the whole import and nothing is written.
//
// Meant for a database no server is using (`keel import` works offline, like Headscale's
// bypass-the-server commands).
class Importer
{
public:
    explicit Importer(Store& store) : m_store(store) {}

    void setProgress(ExportProgress progress) { m_progress = std::move(progress); }

    // Checks the document on its own (references, formats, duplicates) without touching the
    // database; write() calls it first.
    static Result<void> validate(const ExportDocument& doc);

    // Conflict (naming a table) when the database already holds anything.
    Result<void> checkEmpty();

    Result<void> write(const ExportDocument& doc);

private:
    Store& m_store;
    ExportProgress m_progress;
};

} // namespace keel::store
