#include "LineDiff.h"

#include <vector>

namespace keel::gui {

QStringList lineDiff(const QString& before, const QString& after, int context)
{
    const QStringList a = before.split(QLatin1Char('\n'));
    const QStringList b = after.split(QLatin1Char('\n'));
    const int n = int(a.size()), m = int(b.size());
    QStringList all;   // every line, marked
    if (n > 1500 || m > 1500) {
        for (const QString& l : a)
            all << QLatin1Char('-') + l;
        for (const QString& l : b)
            all << QLatin1Char('+') + l;
    } else {
        std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
        for (int i = n - 1; i >= 0; --i)
            for (int j = m - 1; j >= 0; --j)
                lcs[size_t(i)][size_t(j)] = a[i] == b[j] ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                                                         : std::max(lcs[size_t(i + 1)][size_t(j)], lcs[size_t(i)][size_t(j + 1)]);
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[i] == b[j]) {
                all << QLatin1Char(' ') + a[i++];
                ++j;
            } else if (i < n && (j == m || lcs[size_t(i + 1)][size_t(j)] >= lcs[size_t(i)][size_t(j + 1)])) {
                all << QLatin1Char('-') + a[i++];   // removals before additions, as diff -u
            } else {
                all << QLatin1Char('+') + b[j++];
            }
        }
    }
    // Keep only changes and their context.
    QStringList out;
    int lastKept = -1;
    for (int k = 0; k < all.size(); ++k) {
        bool near = false;
        for (int d = -context; d <= context && !near; ++d)
            near = k + d >= 0 && k + d < all.size() && !all[k + d].startsWith(QLatin1Char(' '));
        if (!near)
            continue;
        if (lastKept >= 0 && k > lastKept + 1)
            out << QStringLiteral("@@");
        out << all[k];
        lastKept = k;
    }
    return out;
}

} // namespace keel::gui
