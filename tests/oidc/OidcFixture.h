#pragma once

#include "control/ControlClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <memory>

namespace keel::test {

// The real OpenID provider (tests/oidc/provider.mjs on Debian's Node.js with npm's oidc-provider)
// on a loopback port. Every start makes new signing keys; restart() on the same port is a key
// rotation at the provider.
class ProviderProcess
{
public:
    ProviderProcess();
    ~ProviderProcess();

    // Where provider.mjs and its node_modules are; empty with *why when they are not installed.
    static QString scriptDir(QString* why);

    QString issuer() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    quint16 port() const { return m_port; }
    // `clients` and `accounts` as provider.mjs reads them.
    bool start(const QJsonArray& clients, const QJsonObject& accounts, QString* error);
    bool restart(QString* error);
    void stop();
    QByteArray log();

    // The test endpoints of provider.mjs.
    bool tamperNextToken(const QString& mode);
    bool setAccount(const QString& login, const QJsonObject& claims);
    int jwksFetches();

private:
    QJsonObject post(const QString& path, const QByteArray& body);

    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QJsonArray m_clients;
    QJsonObject m_accounts;
    QProcess m_process;
    QByteArray m_log;
};

// One machine running tailscaled, as far as registration goes: its own machine key and Noise
// session to Keel, register requests with and without Followup, and one-shot map fetches.
class TestMachine
{
public:
    explicit TestMachine(const QString& hostname);

    bool connect(quint16 port);
    QString machineKey() const { return m_key.publicKey().toString(); }
    QString nodeKey() const { return m_nodeKey; }
    // A new node key (re-login after expiry, or key rotation); the previous one becomes OldNodeKey.
    void rotateNodeKey();

    // POST /machine/register without an auth key: the AuthURL, or the whole reply in *reply.
    QString startLogin(QJsonObject* reply = nullptr, bool withOldKey = false);
    // The follow-up that tailscaled holds open while the person logs in.
    struct Call
    {
        bool done = false;
        int status = 0;
        QByteArray body;
        QJsonObject json() const;
    };
    std::shared_ptr<Call> followup(const QString& authUrl, bool withOldKey = false);
    // One framed full map (Stream false).
    QJsonObject fetchMap();
    // GET on the Noise session, as tailssh fetches an SSH check URL (ssh/action, not waited for).
    std::shared_ptr<Call> get(const QByteArray& path);

private:
    QJsonObject registerBody(bool withOldKey) const;
    std::shared_ptr<Call> send(const QByteArray& path, const QJsonObject& body);

    crypto::MachinePrivate m_key;
    QString m_hostname;
    QString m_nodeKey;
    QString m_oldNodeKey;
    std::unique_ptr<control::ControlClient> m_client;
};

} // namespace keel::test
