#pragma once

#include <QString>

namespace keel::platform {

// Creates `path` as a new, empty file only its owner can read and write (0600 on POSIX; on Windows
// an ACL granting the owner alone, with inheritance cut). An existing file is left as it is: its
// operator chose its protection. Returns false only when the file could not be created.
bool createOwnerOnlyFile(const QString& path);

// Restricts an existing directory or file to its owner (0700/0600; the owner-only ACL on Windows).
bool restrictToOwner(const QString& path);

// True when users other than the owner can read or write `path`: on POSIX the "other" bits (group
// access is the admin's choice, e.g. a service group); on Windows an allow entry in the file's ACL
// for anyone but its owner, the current account, SYSTEM and Administrators (Qt's permission bits do
// not describe the ACL there). False when the file's protection cannot be read.
bool accessibleByOthers(const QString& path);

// What to tell an operator to do about a file accessibleByOthers() found ("run chmod 600 on it").
QString ownerOnlyHint();

} // namespace keel::platform
