#pragma once

#include <QString>
#include <QStringList>

namespace keel::cli {

// The command forms of older Headscale guides (0.1x-0.2x, seed documents 002 and 003) that
// migrating users' scripts still run: `namespaces`/`ns`, a global `-n NAMESPACE` or `-u USER`,
// `node ls -t`, positional `users rename OLD NEW`, `users destroy NAME`, `nodes register KEY`,
// `routes list|enable|disable`. A form that maps unambiguously onto today's verbs is rewritten
// (with a note naming the current form); one that does not is refused with the current form.
struct LegacyRewrite
{
    QStringList args;  // the arguments to parse (rewritten or unchanged)
    QStringList notes; // one deprecation note per rewrite, for stderr
    QString refusal;   // non-empty: do not run; print this instead
};

LegacyRewrite rewriteLegacyForms(const QStringList& args);

} // namespace keel::cli
