#pragma once

#include "store/ApiKey.h"
#include "store/Node.h"
#include "store/OAuthClient.h"
#include "store/PreAuthKey.h"
#include "store/User.h"

#include <QSqlQuery>
#include <QString>

namespace keel::store::rows {

// Column lists in the order the readers expect them.
extern const QString UserColumns;
extern const QString NodeColumns;
extern const QString PakColumns;
extern const QString ApiColumns;
extern const QString OAuthColumns;

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

// A stored secret beside its record: API keys and OAuth clients keep theirs as a hash.
template <typename Record>
struct SecretRow
{
    Record record;
    QString scheme;
    QByteArray hash;
};
using ApiRow = SecretRow<ApiKey>;
using OAuthRow = SecretRow<OAuthClient>;
ApiRow readApi(const QSqlQuery& q);
OAuthRow readOAuth(const QSqlQuery& q);

} // namespace keel::store::rows
