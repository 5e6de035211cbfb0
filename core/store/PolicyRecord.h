#pragma once

#include <QDateTime>
#include <QString>

namespace keel::store {

// The policy document kept in the database (policy.mode: database).
// One row of the policy history: every stored policy is kept, newest wins.
struct PolicyRecord
{
    QString text;
    QDateTime updatedAt;
    qint64 id = 0;
    QString actor; // who stored it ("" when unknown: stored before schema 6, or imported)
    QString note;  // e.g. "rollback to 3"
};

} // namespace keel::store
