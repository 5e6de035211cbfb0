#pragma once

#include "backup/ExportDocument.h"
#include "store/Result.h"

namespace keel::store {

class Store;

// Reads the whole database of a Store into an ExportDocument, in one read transaction so the copy
// is consistent while a server keeps writing (SQLite WAL readers see one snapshot; on PostgreSQL
// the transaction is REPEATABLE READ). Secrets are copied as stored: hashes, never key texts.
class Exporter
{
public:
    explicit Exporter(Store& store) : m_store(store) {}

    void setProgress(ExportProgress progress) { m_progress = std::move(progress); }
    Result<ExportDocument> read();

private:
    Store& m_store;
    ExportProgress m_progress;
};

} // namespace keel::store
