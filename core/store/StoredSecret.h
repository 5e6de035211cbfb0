#pragma once

#include <QByteArray>
#include <QString>

namespace keel::store {

// How a secret sits in the database, for importing keys from a Headscale database:
// scheme "sha256" (ours), "bcrypt" (Headscale's modern keys), or "plain" (legacy pre-auth keys,
// where `value` is the whole 48-hex key).
struct StoredSecret
{
    QString scheme;
    QByteArray value;
};

} // namespace keel::store
