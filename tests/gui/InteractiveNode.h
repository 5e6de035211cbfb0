#pragma once

#include "control/ControlClient.h"
#include "crypto/Keys.h"

#include <QObject>

namespace keel::test {

// A simulated device that joins the way `tailscale up` without a key does: it registers, gets an
// AuthURL, asks again with Followup=<url> (the server holds that request until an admin decides),
// and once authorized opens its map stream, so the server counts it online.
class InteractiveNode : public QObject
{
    Q_OBJECT

public:
    explicit InteractiveNode(const QString& hostname, QObject* parent = nullptr);

    void start(quint16 port);
    QString authUrl() const { return m_authUrl; }
    bool authorized() const { return m_authorized; }
    bool streaming() const { return m_streaming; }
    QString error() const { return m_error; }

private:
    QJsonObject registerBody(const QString& followup) const;
    void sendRegister(const QString& followup);
    void openStream();

    QString m_hostname;
    crypto::MachinePrivate m_machine;
    crypto::NodePrivate m_node;
    crypto::DiscoPrivate m_disco;
    control::ControlClient* m_client = nullptr;
    QString m_authUrl;
    bool m_authorized = false;
    bool m_streaming = false;
    QString m_error;
};

} // namespace keel::test
