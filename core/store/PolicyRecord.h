#pragma once

#include <QDateTime>
#include <QString>

namespace keel::store {

// The policy document kept in the database (policy.mode: database).
struct PolicyRecord
{
    QString text;
    QDateTime updatedAt;
};

} // namespace keel::store
