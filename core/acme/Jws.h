#pragma once

#include "acme/AccountKey.h"

#include <QByteArray>
#include <QString>

namespace keel::acme {

// A flattened JWS JSON body for an ACME POST (RFC 8555 6.2): ES256, the nonce and URL in the
// protected header, and the account's `kid` once it has one (before that, the public key as `jwk`).
struct Jws
{
    // `payload` is the JSON to send; a null QByteArray makes a POST-as-GET (empty payload).
    static QByteArray sign(const AccountKey& key, const QString& url, const QByteArray& nonce, const QString& kid,
                           const QByteArray& payload);
};

} // namespace keel::acme
