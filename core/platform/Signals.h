#pragma once

#include <functional>

namespace keel::platform {

// Routes the platform's stop and reload requests to the event loop (never run in a signal context):
// POSIX: SIGINT/SIGTERM call `shutdown`, SIGHUP calls `reload`. Windows: Ctrl+C, Ctrl+Break and
// console close call `shutdown` (Windows has no reload signal; a service gets its stop request
// from the service control manager, see Service.h). Call once, after QCoreApplication exists.
void installStopHandlers(std::function<void()> shutdown, std::function<void()> reload);

// The name of the request that triggered `shutdown`, for the log ("SIGTERM", "Ctrl+C").
const char* lastStopRequest();

} // namespace keel::platform
