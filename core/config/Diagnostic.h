#pragma once

#include <QList>
#include <QString>

namespace keel::config {

// One problem found while loading a configuration. Loading never stops at the first problem:
// every Diagnostic is collected so an operator fixes the whole file in one go.
struct Diagnostic
{
    enum class Severity { Error, Warning };

    Severity severity = Severity::Error;
    QString keyPath;   // "dns.base_domain"; empty for file-level problems (syntax, unreadable)
    int line = -1;     // 1-based, -1 when unknown (environment, defaults)
    int column = -1;   // 1-based
    QString message;
    QString hint;
    QString file;      // the file (or environment variable) the value came from

    bool isError() const { return severity == Severity::Error; }
    // "config.yaml:12:3: dns.base_domain: must not be part of server_url (hint: ...)";
    // warnings carry a "warning: " prefix after the location.
    QString toString() const;
};

using Diagnostics = QList<Diagnostic>;

} // namespace keel::config
