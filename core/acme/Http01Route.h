#pragma once

#include <QString>

namespace keel::http {
class Router;
}

namespace keel::acme {

class ChallengeStore;

// The plain-HTTP side of ACME (tls_letsencrypt_listen, Headscale's default ":http"):
// /.well-known/acme-challenge/<token> answers the HTTP-01 key authorization while a challenge is
// pending (404 otherwise), and every other request is redirected (302) to server_url plus the
// request's path, as Headscale's listener does.
struct Http01Route
{
    static void install(http::Router& router, const ChallengeStore& challenges, const QString& serverUrl);
};

} // namespace keel::acme
