#pragma once

#include "auth/OidcClaims.h"
#include "store/Result.h"
#include "store/User.h"

namespace keel::state {
class State;
}

namespace keel::server {

// The user an OIDC login stands for, created or brought up to date from the claims (Headscale's
// rules, adapted to Keel's unique user names):
// - matched by provider identifier (issuer + subject) only. A user that existed before OIDC
//   (created with `keel users create`) is never taken over by a login that happens to carry the
//   same name or email: Headscale dropped that migration (map_legacy_users) in 0.26 as unsafe.
//   Users imported from a Headscale database carry Headscale's identifier and match as they did.
// - name: preferred_username when it is a valid user name, else the email address; display name,
//   email (only when verified, or oidc.email_verified_required is off), picture and the provider
//   groups are replaced at every login.
// - Keel's user names are unique: when the wanted name belongs to another user, a new user gets
//   "<name>-<8 hex of the identifier's SHA-256>" and an existing one keeps its current name.
class OidcUserSync
{
public:
    static store::Result<store::User> upsert(state::State& state, const auth::OidcClaims& claims, bool emailVerifiedRequired);
    // Headscale's username rule: at least 2 characters, a letter first, then letters, digits,
    // '-', '.', '_' and at most one '@'.
    static bool validUserName(const QString& name);
};

} // namespace keel::server
