#include "server/OidcUserSync.h"

#include "common/Log.h"
#include "state/State.h"

#include <QCryptographicHash>

namespace keel::server {

bool OidcUserSync::validUserName(const QString& name)
{
    if (name.size() < 2 || !name.at(0).isLetter() || name.count(QLatin1Char('@')) > 1)
        return false;
    for (const QChar c : name)
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('.') && c != QLatin1Char('_') && c != QLatin1Char('@'))
            return false;
    return true;
}

namespace {

// Lookups in the snapshot: the users State publishes are the stored ones.
const store::User* byField(const state::Snapshot& s, const QString& value, QString store::User::*field)
{
    for (const store::User& u : s.users)
        if (u.*field == value)
            return &u;
    return nullptr;
}

} // namespace

store::Result<store::User> OidcUserSync::upsert(state::State& state, const auth::OidcClaims& claims, bool emailVerifiedRequired)
{
    const QString identifier = claims.identifier();
    if (identifier.isEmpty())
        return store::Error::invalid(QStringLiteral("the ID token names no issuer and no subject"));
    const state::SnapshotPtr snapshot = state.snapshot();
    const store::User* found = byField(*snapshot, identifier, &store::User::providerId);
    const bool isNew = !found;
    store::User u = isNew ? store::User{} : *found;

    const bool trustEmail = claims.emailVerified || !emailVerifiedRequired;
    QString wanted = validUserName(claims.preferredUsername) ? claims.preferredUsername : QString();
    if (wanted.isEmpty() && trustEmail && validUserName(claims.email))
        wanted = claims.email;
    const QString suffix = QString::fromLatin1(QCryptographicHash::hash(identifier.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
    if (wanted.isEmpty())
        wanted = QStringLiteral("oidc-") + suffix;
    if (wanted != u.name) {
        const store::User* holder = byField(*snapshot, wanted, &store::User::name);
        if (holder && holder->id != u.id) {
            if (isNew)
                wanted += QLatin1Char('-') + suffix;
            else
                wanted = u.name; // keep the name it has rather than collide
        }
        u.name = wanted;
    }
    if (trustEmail && claims.email.contains(QLatin1Char('@')))
        u.email = claims.email;
    u.displayName = claims.name;
    u.profilePicUrl = claims.picture;
    u.providerId = identifier;
    u.provider = QStringLiteral("oidc");
    u.providerGroups = claims.groups;

    // The person logging in is the actor: the audit log says "oidc:<name> user.create".
    const state::Actor actor = state::Actor::of(QStringLiteral("oidc:") + u.name);
    auto saved = isNew ? state.createUser(u, actor) : state.updateUser(u, actor);
    if (!saved)
        return saved.error();
    qCInfo(lcAuth).noquote() << (isNew ? "OIDC: created user" : "OIDC: updated user") << saved->name << "id" << saved->id
                             << "groups" << saved->providerGroups.join(QLatin1Char(','));
    return saved;
}

} // namespace keel::server
