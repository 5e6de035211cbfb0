#pragma once

#include "crypto/Keys.h"

#include <QString>

#include <optional>

namespace keel::crypto {

// The server's Noise key file, in Headscale's noise.private_key_path format: "privkey:<64 hex>"
// (surrounding whitespace ignored; the bare 64 hex of pre-0.12 Headscale files also accepted).
// On failure each function returns nothing/false and sets `error` to a sentence that names the path.

// Reads an existing key file. Refuses a file that others may read or write (mode & 0006), because
// the key authenticates the server to every client.
std::optional<MachinePrivate> readPrivateKeyFile(const QString& path, QString* error);

// Creates a new file with mode 0600 from the start (no window with looser permissions); refuses
// to overwrite an existing file. Written without a trailing newline, like Headscale does.
bool writePrivateKeyFile(const QString& path, const MachinePrivate& key, QString* error);

// Reads the key at `path`, or, when no file exists, generates one and writes it (creating the
// directory if needed). A malformed or world-accessible file is an error, never silently replaced.
std::optional<MachinePrivate> loadOrCreatePrivateKeyFile(const QString& path, QString* error);

} // namespace keel::crypto
