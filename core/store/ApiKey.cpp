#include "store/ApiKey.h"

#include "auth/SecretKey.h"

namespace keel::store {

QString ApiKey::displayPrefix() const
{
    return auth::SecretKey::maskedApi(prefix);
}

} // namespace keel::store
