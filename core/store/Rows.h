#pragma once

#include "store/Node.h"
#include "store/PreAuthKey.h"
#include "store/User.h"

#include <QSqlQuery>
#include <QString>

namespace keel::store::rows {

// Column lists in the order the readers expect them.
extern const QString UserColumns;
extern const QString NodeColumns;
extern const QString PakColumns;

User readUser(const QSqlQuery& q);
Node readNode(const QSqlQuery& q);

// A pre-auth key row with its stored secret (scheme and hash stay inside the store).
struct PakRow
{
    PreAuthKey key;
    QString scheme;
    QByteArray hash;
};
PakRow readPak(const QSqlQuery& q);

} // namespace keel::store::rows
