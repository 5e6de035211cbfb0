#pragma once

namespace keel::test {

// True when the Windows build of a suite runs under Wine (scripts/windows/wine-suites.sh), which
// answers some questions unlike Windows (ACLs, handle counts); false on Windows itself and on
// every other platform.
bool underWine();

} // namespace keel::test
