#pragma once

#include <QLoggingCategory>
#include <QString>

// One logging category per domain. Messages are English and never translated.
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcAdmin)
Q_DECLARE_LOGGING_CATEGORY(lcServer)
Q_DECLARE_LOGGING_CATEGORY(lcControl)
Q_DECLARE_LOGGING_CATEGORY(lcNoise)
Q_DECLARE_LOGGING_CATEGORY(lcDerp)
Q_DECLARE_LOGGING_CATEGORY(lcPolicy)
Q_DECLARE_LOGGING_CATEGORY(lcAuth)
Q_DECLARE_LOGGING_CATEGORY(lcState)
Q_DECLARE_LOGGING_CATEGORY(lcDns)

namespace keel::log {

enum class Format { Text, Json };

// Headscale's level names: trace, debug, info, warn, error, fatal, panic.
// Returns false (and leaves the level alone) for an unknown name.
bool setLevel(const QString& name);

// Installs the process-wide message handler: text or JSON lines on stderr, plus the LogBuffer.
void install(Format format);

// Similar lines beyond a burst are summarised (LogRateLimiter); on by default.
void setRateLimited(bool on);

// Formats one record the way the handler writes it (used by tests and the admin log stream).
QString formatLine(Format format, QtMsgType type, const char* category, const QString& message, qint64 msecsSinceEpoch);

} // namespace keel::log
