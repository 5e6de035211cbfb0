#pragma once

#include <QString>

namespace keel::platform {

// Creates `path` as a new, empty file only its owner can read and write (0600 on POSIX; on Windows
// an ACL granting the owner alone, with inheritance cut). An existing file is left as it is: its
// operator chose its protection. Returns false only when the file could not be created.
bool createOwnerOnlyFile(const QString& path);

// Restricts an existing directory or file to its owner (0700/0600; the owner-only ACL on Windows).
bool restrictToOwner(const QString& path);

} // namespace keel::platform
