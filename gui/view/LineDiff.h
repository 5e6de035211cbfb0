#pragma once

#include <QStringList>

namespace keel::gui {

// A line diff of two texts (longest common subsequence), as unified-diff lines: " same",
// "-removed", "+added", with `context` unchanged lines around each change and "@@" between hunks.
// Texts longer than 1,500 lines are compared as one block (removed, then added).
QStringList lineDiff(const QString& before, const QString& after, int context = 3);

} // namespace keel::gui
