#include "store/Transaction.h"

#include "common/Log.h"
#include "metrics/Instruments.h"

#include <QSqlError>
#include <QSqlQuery>

namespace keel::store {

Transaction::Transaction(QSqlDatabase db, bool sqlite, Mode mode)
    : m_db(std::move(db))
    , m_mode(mode)
{
    m_took.start();
    if (!m_db.isOpen()) {
        m_error = QStringLiteral("database is not open");
        return;
    }
    const QString begin = (sqlite && mode == Write) ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    m_active = run(begin);
}

Transaction::~Transaction()
{
    if (m_active && !run(QStringLiteral("ROLLBACK")))
        qCWarning(lcStore).noquote() << "rollback failed:" << m_error;
    metrics::Instruments::databaseOperation(m_mode == Write ? "write" : "read", double(m_took.nsecsElapsed()) / 1e9);
}

bool Transaction::commit()
{
    if (!m_active)
        return false;
    m_active = false;
    if (run(QStringLiteral("COMMIT")))
        return true;
    // A failed COMMIT leaves SQLite's transaction open; make sure it ends.
    QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
    return false;
}

bool Transaction::run(const QString& sql)
{
    QSqlQuery q(m_db);
    if (q.exec(sql))
        return true;
    m_error = QStringLiteral("%1 failed: %2").arg(sql, q.lastError().text());
    return false;
}

} // namespace keel::store
