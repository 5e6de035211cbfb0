#pragma once

class QProcess;

namespace keel::test {

// Makes `process` (not started yet) die with the test. A server a test starts beside it (keel
// serve, nginx, pebble, an OpenID provider) must not outlive the run, even when the test is killed
// or a sanitizer or Qt Test's watchdog aborts it, which skips every destructor. Linux only (the
// parent-death signal); elsewhere the fixture's destructor is all there is.
void dieWithTest(QProcess& process);

// Asks a running child to stop: SIGTERM on POSIX, which Keel answers with a clean shutdown (true).
// Windows has no such request for a console program (QProcess::terminate() reaches only windows,
// Ctrl+C only a console the test shares), so there it is killed and the result is false: its exit
// code then says nothing about a clean stop.
bool askToStop(QProcess& process);

} // namespace keel::test
