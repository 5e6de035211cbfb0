#pragma once

class QProcess;

namespace keel::test {

// Makes `process` (not started yet) die with the test. A server a test starts beside it (keel
// serve, nginx, pebble, an OpenID provider) must not outlive the run, even when the test is killed
// or a sanitizer or Qt Test's watchdog aborts it, which skips every destructor. Linux only (the
// parent-death signal); elsewhere the fixture's destructor is all there is.
void dieWithTest(QProcess& process);

} // namespace keel::test
