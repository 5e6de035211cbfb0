#pragma once

#include <QString>
#include <QStringView>

#include <cstddef>

namespace keel::crypto::keytext {

// Tailscale's text form of a 32-byte key: a prefix such as "mkey:" followed by exactly 64 hex digits
// (types/key/util.go). Output is lowercase; input may use either case.
QString format(const char* prefix, const unsigned char* raw, std::size_t size);

// Parses `text` into `out` (size bytes). On failure returns false and, when `error` is given, a
// message that names what is wrong (prefix, length, or which character) without echoing the input.
bool parse(QStringView text, const char* prefix, unsigned char* out, std::size_t size, QString* error);

// Plain hex (no prefix) of any length; used by test-vector parsers as well as `parse` above.
bool parseHex(QStringView hex, unsigned char* out, std::size_t size, QString* error);

} // namespace keel::crypto::keytext
