#pragma once

#include "config/Diagnostic.h"
#include "config/RawSettings.h"

namespace keel::config {

// Collects diagnostics during one load, taking position and origin from where the key was
// written (file line/column, or the environment variable) so each message points at its cause.
class DiagnosticSink
{
public:
    DiagnosticSink(QString file, const RawSettings* raw)
        : m_file(std::move(file))
        , m_raw(raw)
    {
    }

    void error(const QString& key, const QString& message, const QString& hint = QString());
    void warning(const QString& key, const QString& message, const QString& hint = QString());
    // For problems with no key of their own (syntax errors) or known positions.
    void add(Diagnostic d);

    const Diagnostics& diagnostics() const { return m_diagnostics; }
    bool hasErrors() const;

private:
    void report(Diagnostic::Severity severity, const QString& key, const QString& message, const QString& hint);

    QString m_file;
    const RawSettings* m_raw;
    Diagnostics m_diagnostics;
};

} // namespace keel::config
