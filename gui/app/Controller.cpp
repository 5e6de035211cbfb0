#include "Controller.h"

#include "model/ServerSession.h"

#include <QJsonArray>
#include <QUrl>

namespace keel::gui {

namespace {
QString segment(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}
}

Controller::Controller(ServerSession& session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
}

void Controller::act(const QByteArray& method, const QString& path, const QJsonObject& body, const QString& message,
                     Done done, Failed failedCallback)
{
    m_session.client().call(method, path, body, this, [this, method, message, done, failedCallback](const ApiReply& reply) {
        if (!reply.ok()) {
            if (failedCallback)
                failedCallback(reply.errorMessage());
            else
                Q_EMIT failed(reply.errorMessage());
            return;
        }
        if (!message.isEmpty())
            Q_EMIT succeeded(message);
        if (done)
            done(reply.json());
        if (!m_session.hasEventStream() && method != "GET")
            m_session.refresh();
    });
}

void Controller::createUser(const QString& name, const QString& displayName, const QString& email, Done done)
{
    QJsonObject body{{QStringLiteral("name"), name}};
    if (!displayName.isEmpty())
        body.insert(QStringLiteral("displayName"), displayName);
    if (!email.isEmpty())
        body.insert(QStringLiteral("email"), email);
    act("POST", QStringLiteral("/api/v1/user"), body, tr("User %1 created").arg(name), std::move(done));
}

void Controller::renameUser(const QString& id, const QString& newName)
{
    act("POST", QStringLiteral("/api/v1/user/%1/rename/%2").arg(segment(id), segment(newName)), {}, tr("User renamed to %1").arg(newName));
}

void Controller::deleteUser(const QString& id)
{
    act("DELETE", QStringLiteral("/api/v1/user/%1").arg(segment(id)), {}, tr("User deleted"));
}

void Controller::createPreAuthKey(const QString& userId, bool reusable, bool ephemeral, int expiryHours,
                                  const QStringList& tags, Done done)
{
    QJsonObject body{{QStringLiteral("reusable"), reusable},
                     {QStringLiteral("ephemeral"), ephemeral},
                     {QStringLiteral("expiration"), QDateTime::currentDateTimeUtc().addSecs(qint64(expiryHours) * 3600).toString(Qt::ISODate)},
                     {QStringLiteral("aclTags"), QJsonArray::fromStringList(tags)}};
    if (!userId.isEmpty())
        body.insert(QStringLiteral("user"), userId);
    act("POST", QStringLiteral("/api/v1/preauthkey"), body, tr("Pre-auth key created"), std::move(done));
}

void Controller::expirePreAuthKey(const QString& id)
{
    act("POST", QStringLiteral("/api/v1/preauthkey/expire"), {{QStringLiteral("id"), id}}, tr("Pre-auth key expired"));
}

void Controller::createApiKey(int expiryDays, Done done)
{
    act("POST", QStringLiteral("/api/v1/apikey"),
        {{QStringLiteral("expiration"), QDateTime::currentDateTimeUtc().addDays(expiryDays).toString(Qt::ISODate)}},
        tr("API key created"), std::move(done));
}

void Controller::expireApiKey(const QString& prefix)
{
    act("POST", QStringLiteral("/api/v1/apikey/expire"), {{QStringLiteral("prefix"), prefix}}, tr("API key expired"));
}

void Controller::renameNode(const QString& id, const QString& newName)
{
    act("POST", QStringLiteral("/api/v1/node/%1/rename/%2").arg(segment(id), segment(newName)), {}, tr("Node renamed to %1").arg(newName));
}

void Controller::setTags(const QString& id, const QStringList& tags)
{
    act("POST", QStringLiteral("/api/v1/node/%1/tags").arg(segment(id)), {{QStringLiteral("tags"), QJsonArray::fromStringList(tags)}},
        tr("Tags changed"));
}

void Controller::approveRoutes(const QString& id, const QStringList& routes)
{
    act("POST", QStringLiteral("/api/v1/node/%1/approve_routes").arg(segment(id)),
        {{QStringLiteral("routes"), QJsonArray::fromStringList(routes)}}, tr("Approved routes changed"));
}

void Controller::expireNode(const QString& id)
{
    act("POST", QStringLiteral("/api/v1/node/%1/expire").arg(segment(id)), {}, tr("Node key expired: the device must log in again"));
}

void Controller::moveNode(const QString& id, const QString& userId)
{
    act("POST", QStringLiteral("/api/v1/node/%1/user").arg(segment(id)), {{QStringLiteral("user"), userId}}, tr("Node moved"));
}

void Controller::deleteNode(const QString& id)
{
    act("DELETE", QStringLiteral("/api/v1/node/%1").arg(segment(id)), {}, tr("Node deleted"));
}

void Controller::authorizeNode(const QString& id)
{
    act("POST", QStringLiteral("/api/v1/node/%1/authorize").arg(segment(id)), {}, tr("Device authorized"));
}

void Controller::approveRegistration(const QString& authId, const QString& user, const QStringList& tags)
{
    QJsonObject body{{QStringLiteral("authId"), authId}, {QStringLiteral("user"), user}};
    if (!tags.isEmpty())
        body.insert(QStringLiteral("tags"), QJsonArray::fromStringList(tags));
    act("POST", QStringLiteral("/api/v1/auth/approve"), body, tr("Registration approved for %1").arg(user));
}

void Controller::rejectRegistration(const QString& authId)
{
    act("POST", QStringLiteral("/api/v1/auth/reject"), {{QStringLiteral("authId"), authId}}, tr("Registration rejected"));
}

void Controller::checkPolicy(const QString& text, Done done, Failed failedCallback)
{
    act("POST", QStringLiteral("/api/v1/policy/check"), {{QStringLiteral("policy"), text}}, {}, std::move(done), std::move(failedCallback));
}

void Controller::setPolicy(const QString& text, Done done, Failed failedCallback)
{
    act("PUT", QStringLiteral("/api/v1/policy"), {{QStringLiteral("policy"), text}}, tr("Policy saved"), std::move(done), std::move(failedCallback));
}

void Controller::explainPolicy(const QString& src, const QString& dst, int port, const QString& proto, Done done, Failed failedCallback)
{
    act("POST", QStringLiteral("/api/v1/policy/explain"),
        {{QStringLiteral("src"), src}, {QStringLiteral("dst"), dst}, {QStringLiteral("port"), port}, {QStringLiteral("proto"), proto}}, {},
        std::move(done), std::move(failedCallback));
}

void Controller::policyHistory(Done done, Failed failedCallback)
{
    act("GET", QStringLiteral("/api/v1/policy/history?limit=200"), {}, {}, std::move(done), std::move(failedCallback));
}

void Controller::rollbackPolicy(const QString& id, Done done, Failed failedCallback)
{
    act("POST", QStringLiteral("/api/v1/policy/rollback"), {{QStringLiteral("id"), id}}, tr("Policy %1 is in force again").arg(id),
        std::move(done), std::move(failedCallback));
}

void Controller::reachablePeers(const QString& nodeId, Done done, Failed failedCallback)
{
    act("GET", QStringLiteral("/api/v1/node/%1/reachable").arg(segment(nodeId)), {}, {}, std::move(done), std::move(failedCallback));
}

void Controller::serverStatus(Done done, Failed failedCallback)
{
    act("GET", QStringLiteral("/api/v1/server/status"), {}, {}, std::move(done), std::move(failedCallback));
}

} // namespace keel::gui
