#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace keel::store {

// A user (spec D.3 "User"). `name` is unique; OIDC users also carry provider + providerId
// (issuer/subject), which is unique when set.
struct User
{
    qint64 id = 0;
    QString name;
    QString displayName;
    QString email;
    QString providerId;
    QString provider;   // "oidc" or ""
    QString profilePicUrl;
    // The groups the identity provider named at the last OIDC login (`oidcgroup:<name>` in the
    // policy); replaced at each login, empty for users that never logged in through OIDC.
    QStringList providerGroups;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// Filters of GET /api/v1/user; empty fields do not filter.
struct UserFilter
{
    qint64 id = 0;
    QString name;
    QString email;
};

} // namespace keel::store
