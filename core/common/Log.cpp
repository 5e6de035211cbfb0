#include "common/Log.h"

#include "common/LogBuffer.h"
#include "common/LogRateLimiter.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>

#include <atomic>
#include <cstdio>

Q_LOGGING_CATEGORY(lcConfig, "keel.config")
Q_LOGGING_CATEGORY(lcStore, "keel.store")
Q_LOGGING_CATEGORY(lcHttp, "keel.http")
Q_LOGGING_CATEGORY(lcAdmin, "keel.admin")
Q_LOGGING_CATEGORY(lcServer, "keel.server")
Q_LOGGING_CATEGORY(lcControl, "keel.control")
Q_LOGGING_CATEGORY(lcNoise, "keel.noise")
Q_LOGGING_CATEGORY(lcDerp, "keel.derp")
Q_LOGGING_CATEGORY(lcPolicy, "keel.policy")
Q_LOGGING_CATEGORY(lcAuth, "keel.auth")
Q_LOGGING_CATEGORY(lcState, "keel.state")
Q_LOGGING_CATEGORY(lcDns, "keel.dns")

namespace keel::log {

namespace {

std::atomic<Format> g_format{Format::Text};

const char* levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warn";
    case QtCriticalMsg: return "error";
    case QtFatalMsg: return "fatal";
    }
    return "info";
}

std::atomic<bool> g_rateLimit{true};

void writeLine(QtMsgType type, const char* category, const QString& message, qint64 now)
{
    const QString line = formatLine(g_format.load(), type, category, message, now);
    std::fputs(line.toUtf8().constData(), stderr);
    std::fputc('\n', stderr);
    std::fflush(stderr);
    LogBuffer::instance().append(type, QString::fromLatin1(category), message, now);
}

void handler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const char* category = context.category ? context.category : "default";
    if (type == QtFatalMsg || !g_rateLimit.load()) {
        writeLine(type, category, message, now);
        if (type == QtFatalMsg)
            std::abort();
        return;
    }
    // One lock for the limiter and the write, so a summary never overtakes the lines it follows.
    static QMutex mutex;
    static LogRateLimiter limiter;
    const QMutexLocker lock(&mutex);
    for (const LogRateLimiter::Summary& s : limiter.takeDue(now)) {
        const QByteArray cat = s.category.toLatin1();
        writeLine(QtMsgType(s.level), cat.constData(), s.text, now);
    }
    if (limiter.admit(category, int(type), message, now))
        writeLine(type, category, message, now);
}

} // namespace

bool setLevel(const QString& name)
{
    // Filter rules apply to every keel.* category (and Qt's own noise stays at warning).
    const QString level = name.toLower();
    QString rules;
    if (level == QLatin1String("trace") || level == QLatin1String("debug"))
        rules = QStringLiteral("keel.*.debug=true");
    else if (level == QLatin1String("info"))
        rules = QStringLiteral("keel.*.debug=false\nkeel.*.info=true");
    else if (level == QLatin1String("warn") || level == QLatin1String("warning"))
        rules = QStringLiteral("keel.*.debug=false\nkeel.*.info=false");
    else if (level == QLatin1String("error") || level == QLatin1String("fatal") || level == QLatin1String("panic"))
        rules = QStringLiteral("keel.*.debug=false\nkeel.*.info=false\nkeel.*.warning=false");
    else
        return false;
    QLoggingCategory::setFilterRules(rules + QStringLiteral("\nqt.*.debug=false"));
    return true;
}

void setRateLimited(bool on)
{
    g_rateLimit.store(on);
}

void install(Format format)
{
    g_format.store(format);
    qInstallMessageHandler(handler);
}

QString formatLine(Format format, QtMsgType type, const char* category, const QString& message, qint64 msecsSinceEpoch)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);
    if (format == Format::Json) {
        const QJsonObject obj{{QStringLiteral("time"), time},
                              {QStringLiteral("level"), QString::fromLatin1(levelName(type))},
                              {QStringLiteral("category"), QString::fromLatin1(category)},
                              {QStringLiteral("message"), message}};
        return QString::fromUtf8(QJsonDocument(obj).toJson(QJsonDocument::Compact));
    }
    return QStringLiteral("%1 %2 %3: %4").arg(time, QString::fromLatin1(levelName(type)).toUpper().leftJustified(5), QString::fromLatin1(category), message);
}

} // namespace keel::log
