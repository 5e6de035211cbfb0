#include "config/DiagnosticSink.h"

#include "common/Log.h"

namespace keel::config {

void DiagnosticSink::error(const QString& key, const QString& message, const QString& hint)
{
    report(Diagnostic::Severity::Error, key, message, hint);
}

void DiagnosticSink::warning(const QString& key, const QString& message, const QString& hint)
{
    report(Diagnostic::Severity::Warning, key, message, hint);
}

void DiagnosticSink::add(Diagnostic d)
{
    if (d.file.isEmpty())
        d.file = m_file;
    // The same problem found twice (e.g. by two rules) is reported once.
    for (const Diagnostic& existing : std::as_const(m_diagnostics))
        if (existing.keyPath == d.keyPath && existing.message == d.message)
            return;
    m_diagnostics.append(d);
}

bool DiagnosticSink::hasErrors() const
{
    for (const Diagnostic& d : m_diagnostics)
        if (d.isError())
            return true;
    return false;
}

void DiagnosticSink::report(Diagnostic::Severity severity, const QString& key, const QString& message, const QString& hint)
{
    Diagnostic d;
    d.severity = severity;
    d.keyPath = key;
    d.message = message;
    d.hint = hint;
    d.file = m_file;
    if (const RawValue* v = m_raw ? m_raw->get(key) : nullptr) {
        d.line = v->line;
        d.column = v->column;
        if (!v->origin.isEmpty())
            d.file = v->origin;
    }
    add(d);
}

} // namespace keel::config
