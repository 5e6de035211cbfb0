#include "store/PreAuthKey.h"

#include "auth/SecretKey.h"

namespace keel::store {

QString PreAuthKey::displayKey() const
{
    if (!legacyKey.isEmpty())
        return legacyKey;
    return auth::SecretKey::maskedPreAuth(prefix);
}

} // namespace keel::store
