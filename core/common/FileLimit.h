#pragma once

#include <QtGlobal>

namespace keel {

// Every connected node holds a socket, and service managers start daemons with a soft limit of
// 1,024 open files (systemd's default) although the hard limit is far higher. Go programs such as
// Headscale get the soft limit raised to the hard one by their runtime; Keel does the same at start.
//
// Raises the soft RLIMIT_NOFILE to the hard limit and returns the soft limit now in force, or -1
// where the platform has no such limit (Windows).
qint64 raiseOpenFileLimit();

// How many control connections a process with `openFileLimit` descriptors can hold: the limit minus
// a reserve for the database, listeners, DERP clients and log files. -1 (no limit known) gives
// `fallback`.
int controlConnectionBudget(qint64 openFileLimit, int fallback);

} // namespace keel
