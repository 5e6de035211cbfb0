#pragma once

#include <QString>

namespace keel::test {

// ../shared/testdata as set by keel_add_test (KEEL_TESTDATA), with a fallback relative to the
// source tree for running a test binary by hand.
QString testdataDir();
QString testdataPath(const QString& relative);
// The build directory (for finding the `keel` binary in end-to-end tests).
QString binaryDir();

} // namespace keel::test
