#pragma once

#include "CommandLine.h"
#include "Output.h"

#include "admin/AdminClient.h"
#include "config/ConfigLoader.h"

#include <QJsonObject>

#include <optional>

namespace keel::cli {

// What every command needs: the global flags, the configuration, and the admin API client.
class Cli
{
public:
    Format format = Format::Human;
    bool force = false;
    QString configPath;  // -c/--config

    // Loads the configuration once; prints warnings (and errors) to stderr. nullopt when invalid.
    std::optional<config::Config> loadConfig();
    const config::LoadResult* lastLoad() const { return m_load ? &*m_load : nullptr; }

    // Calls the admin API (unix socket, or cli.address with cli.api_key). On failure prints the
    // error and returns nullopt; the caller returns exitCode().
    std::optional<QJsonObject> call(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body = {});

    // Like call(), but a server that does not answer is not an error: the reply has status 0 and
    // nothing is printed (for commands with an offline fallback). nullopt when there is no
    // client (the configuration is invalid; already reported). *local: the client is the unix
    // socket of this machine's server (not cli.address).
    std::optional<admin::AdminClient::Reply> tryCall(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body, bool* local);

    // Asks on the terminal unless --force; false when declined or when stdin is not a terminal.
    bool confirm(const QString& question);

    int fail(const QString& message);
    int exitCode() const { return m_failed ? 1 : 0; }
    void print(const QJsonValue& value, const QString& human) const { printResult(format, value, human); }

    // The admin API client (nullopt, reported, when the configuration is unusable).
    std::optional<admin::AdminClient> adminClient() { return client(); }

private:
    std::optional<admin::AdminClient> client();

    std::optional<config::LoadResult> m_load;
    bool m_failed = false;
};

// The command groups, each in its own file.
Command serveCommand(Cli& cli);
// Runs the server until stopped and returns its exit code; *stop (when given) is set, while it
// runs, to a function that stops it from the main thread (the Windows service's stop request).
int runServer(Cli& cli, std::function<void()>* stop);
Command serviceCommand(Cli& cli);  // service install|start|stop|uninstall|status|run (Windows)
Command usersCommand(Cli& cli);
Command nodesCommand(Cli& cli);
Command preAuthKeysCommand(Cli& cli);
Command apiKeysCommand(Cli& cli);
Command oauthClientsCommand(Cli& cli);  // OAuthClientsCommand.cpp
Command policyCommand(Cli& cli);
QList<Command> miscCommands(Cli& cli);  // version, configtest, generate, health
Command configCommand(Cli& cli);  // config init|show (ConfigCommand.cpp)
Command dumpConfigCommand(Cli& cli);  // dumpConfig: Headscale's name for `config show`
int showConfig(Cli& cli);
QList<Command> migrateCommands(Cli& cli);  // export, import, import-headscale
void addAuthCommands(Cli& cli, Command& root);  // auth register, nodes register (AuthCommand.cpp)
// EventsCommand.cpp: events, audit list, nodes approve (auth list|approve|reject: AuthCommand.cpp)
Command eventsCommand(Cli& cli);
Command auditCommand(Cli& cli);
void addApprovalCommands(Cli& cli, Command& root);  // after addAuthCommands

// Helpers shared by the groups.
QString idFrom(const QJsonValue& value);  // "3" or 3 -> "3"
QString expirationFromFlag(const QString& duration, QString* error);  // "90d" -> RFC 3339

} // namespace keel::cli
