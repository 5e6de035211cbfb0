#pragma once

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <functional>

namespace keel::gui {

class ServerSession;
struct ApiReply;

// Every action the views offer, in one place: each is one admin API call. Success and failure come
// back as signals (the window shows them); a few actions also hand their answer to a callback (the
// new pre-auth key, which is shown once). With a server that has no event stream, the lists are
// re-read after each change.
class Controller : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const QJsonObject& answer)>;
    using Failed = std::function<void(const QString& error)>;

    explicit Controller(ServerSession& session, QObject* parent = nullptr);

    // Users
    void createUser(const QString& name, const QString& displayName, const QString& email, Done done = {});
    void renameUser(const QString& id, const QString& newName);
    void deleteUser(const QString& id);
    // Keys. Done receives {"preAuthKey": {..., "key": <the full secret>}} / {"apiKey": <secret>}.
    void createPreAuthKey(const QString& userId, bool reusable, bool ephemeral, int expiryHours,
                          const QStringList& tags, Done done);
    void expirePreAuthKey(const QString& id);
    void createApiKey(int expiryDays, Done done);
    void expireApiKey(const QString& prefix);
    // Nodes
    void renameNode(const QString& id, const QString& newName);
    void setTags(const QString& id, const QStringList& tags);
    void approveRoutes(const QString& id, const QStringList& routes);
    void expireNode(const QString& id);
    void moveNode(const QString& id, const QString& userId);
    void deleteNode(const QString& id);
    void authorizeNode(const QString& id);
    // Pending registrations
    void approveRegistration(const QString& authId, const QString& user, const QStringList& tags);
    void rejectRegistration(const QString& authId);
    // Policy: check (the server's parser, the live users and nodes, the policy's tests) and save.
    void checkPolicy(const QString& text, Done done, Failed failed);
    void setPolicy(const QString& text, Done done, Failed failed);
    void explainPolicy(const QString& src, const QString& dst, int port, const QString& proto, Done done, Failed failed);
    // The stored policies, newest first ({"entries": [...]}), and going back to one of them.
    void policyHistory(Done done, Failed failed);
    void rollbackPolicy(const QString& id, Done done, Failed failed);
    // Read-only questions for the views: which peers a node may reach, the server's status
    // (DERP, STUN, DNS, online history).
    void reachablePeers(const QString& nodeId, Done done, Failed failed);
    void serverStatus(Done done, Failed failed);

Q_SIGNALS:
    void succeeded(const QString& message);
    void failed(const QString& message);

private:
    // One call; on success `message` goes out through succeeded() and `done` gets the JSON.
    void act(const QByteArray& method, const QString& path, const QJsonObject& body, const QString& message,
             Done done = {}, Failed failedCallback = {});

    ServerSession& m_session;
};

} // namespace keel::gui
