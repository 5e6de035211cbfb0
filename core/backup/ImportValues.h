#pragma once

#include <QString>

namespace keel::store {

// Checks of addresses and prefixes read from an export or a Headscale database. Written here with
// Qt Core only (store/ does not link Qt Network for QHostAddress).
namespace ImportValues {

bool isIPv4(const QString& s);
bool isIPv6(const QString& s);
bool isIp(const QString& s);
// "10.0.0.0/8", "fd7a::/48", "0.0.0.0/0": an address and a prefix length in range.
bool isPrefix(const QString& s);

} // namespace ImportValues

} // namespace keel::store
