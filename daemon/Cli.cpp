#include "Cli.h"

#include "config/Duration.h"
#include "platform/Process.h"

#include <QDateTime>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

namespace keel::cli {

std::optional<config::Config> Cli::loadConfig()
{
    if (!m_load) {
        m_load = config::ConfigLoader::load(configPath, QProcessEnvironment::systemEnvironment());
        for (const config::Diagnostic& d : m_load->diagnostics)
            std::fprintf(stderr, "%s\n", qPrintable(d.toString()));
    }
    if (!m_load->ok())
        return std::nullopt;
    return m_load->config;
}

std::optional<admin::AdminClient> Cli::client()
{
    const auto config = loadConfig();
    if (!config) {
        fail(QStringLiteral("the configuration has errors (listed above)"));
        return std::nullopt;
    }
    const int timeout = int(std::clamp<qint64>(config->cli.timeoutMs, 500, 600000));
    if (config->cli.address.isEmpty())
        return admin::AdminClient::forUnixSocket(config->unixSocket, timeout);
    if (config->cli.apiKey.isEmpty()) {
        fail(QStringLiteral("cli.address is set, so an API key is needed: set cli.api_key or KEEL_CLI_API_KEY"));
        return std::nullopt;
    }
    QString address = config->cli.address;
    if (!address.contains(QLatin1String("://")))
        address.prepend(QStringLiteral("https://"));
    return admin::AdminClient::forRemote(QUrl(address), config->cli.apiKey, config->cli.insecure, timeout);
}

std::optional<QJsonObject> Cli::call(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body)
{
    const auto c = client();
    if (!c)
        return std::nullopt;
    const admin::AdminClient::Reply reply = c->call(method, pathAndQuery, body);
    if (!reply.ok()) {
        QString message = reply.status == 401 ? QStringLiteral("unauthorized: the API key was refused by %1").arg(c->describe()) : reply.errorMessage();
        if (reply.status == 0 && m_load && !m_load->config.cli.address.isEmpty() && !m_load->config.cli.address.contains(QLatin1String("://"))
            && message.startsWith(QLatin1String("TLS")))
            message += QStringLiteral("\ncli.address \"%1\" has no scheme, so it means https://%1 (as in Headscale); for a server "
                                      "listening on plain HTTP write http://%1").arg(m_load->config.cli.address);
        fail(message);
        return std::nullopt;
    }
    return reply.json();
}

std::optional<admin::AdminClient::Reply> Cli::tryCall(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body, bool* local)
{
    const auto c = client();
    if (!c)
        return std::nullopt;
    *local = m_load && m_load->config.cli.address.isEmpty();
    return c->call(method, pathAndQuery, body);
}

bool Cli::confirm(const QString& question)
{
    if (force)
        return true;
    if (!platform::stdinIsTerminal()) {
        fail(QStringLiteral("%1 Refusing without a terminal to ask on; add --force to confirm.").arg(question));
        return false;
    }
    std::fprintf(stderr, "%s [y/N] ", qPrintable(question));
    std::fflush(stderr);
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed().toLower();
    return answer == QLatin1String("y") || answer == QLatin1String("yes");
}

int Cli::fail(const QString& message)
{
    m_failed = true;
    printError(format, message);
    return 1;
}

QString idFrom(const QJsonValue& value)
{
    return value.isDouble() ? QString::number(value.toInteger()) : value.toString();
}

QString expirationFromFlag(const QString& duration, QString* error)
{
    QString why;
    const auto ms = config::parseDurationMs(duration, &why);
    if (!ms) {
        *error = QStringLiteral("invalid --expiration '%1': %2").arg(duration, why);
        return {};
    }
    // In the config 0 means "never" (node.expiry); a key that never expires is not offered, and
    // one that expires at once is useless, so 0 is refused rather than read either way.
    if (*ms <= 0) {
        *error = QStringLiteral("--expiration 0 is refused: keys always expire; give a lifetime such as 1h, 90d or 1y");
        return {};
    }
    return QDateTime::currentDateTimeUtc().addMSecs(*ms).toString(Qt::ISODate);
}

} // namespace keel::cli
