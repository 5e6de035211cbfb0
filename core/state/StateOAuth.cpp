// State's OAuth client verbs (the Tailscale-compatible /api/v2): create, delete, authenticate.
// Part of State.
#include "state/State.h"

#include "common/Clock.h"

#include <QJsonArray>
#include <QRandomGenerator>

namespace keel::state {

using store::Error;
using store::Result;

namespace {

QJsonObject clientJson(const store::OAuthClient& c)
{
    return {{QStringLiteral("id"), QString::number(c.id)}, {QStringLiteral("clientId"), c.clientId},
            {QStringLiteral("scopes"), QJsonArray::fromStringList(c.scopes)}, {QStringLiteral("tags"), QJsonArray::fromStringList(c.tags)}};
}

} // namespace

Result<store::CreatedOAuthClient> State::createOAuthClient(const store::NewOAuthClient& spec, const Actor& by)
{
    if (spec.scopes.isEmpty())
        return Error::invalid(QStringLiteral("an OAuth client needs at least one scope"));
    auto created = m_store.createOAuthClient(spec);
    if (!created)
        return created;
    m_events.publish(QStringLiteral("oauthclient.created"), {{QStringLiteral("oauthClient"), clientJson(created->client)}});
    audit(by, QStringLiteral("oauthclient.create"), QStringLiteral("oauthclient:%1").arg(created->client.clientId),
          QStringLiteral("scopes %1").arg(spec.scopes.join(QLatin1Char(' '))));
    return created;
}

Result<void> State::deleteOAuthClient(qint64 id, const Actor& by)
{
    auto c = m_store.oauthClientById(id);
    if (!c)
        return c.error();
    auto r = m_store.deleteOAuthClient(id);
    if (!r)
        return r;
    m_events.publish(QStringLiteral("oauthclient.removed"), {{QStringLiteral("oauthClient"), clientJson(*c)}});
    audit(by, QStringLiteral("oauthclient.delete"), QStringLiteral("oauthclient:%1").arg(c->clientId));
    return {};
}

Result<store::OAuthClient> State::authenticateOAuthClient(const QString& secret)
{
    auto client = m_store.authenticateOAuthClient(secret);
    if (client)
        (void)m_store.touchOAuthClient(client->id, Clock::now());
    return client;
}

QByteArray State::accessTokenKey()
{
    if (!m_accessTokenKey.isEmpty())
        return m_accessTokenKey;
    const QString name = QStringLiteral("oauth.access_token_key");
    auto stored = m_store.stateValue(name);
    if (!stored)
        return {};
    if (stored->has_value() && (*stored)->size() == 32) {
        m_accessTokenKey = **stored;
        return m_accessTokenKey;
    }
    QByteArray key(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(key.data()), key.size() / 4);
    if (!m_store.setStateValue(name, key))
        return {};
    m_accessTokenKey = key;
    return key;
}

} // namespace keel::state
