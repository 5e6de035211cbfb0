#pragma once

#include <QDialog>

class QLineEdit;
class QLabel;

namespace keel::gui {

// Shows a new secret (a pre-auth key or an API key) the one time the server reveals it: the key,
// for a pre-auth key the `tailscale up` line that uses it and a QR code of that line, and buttons
// that copy them. Closing the dialog forgets the secret.
class SecretDialog : public QDialog
{
    Q_OBJECT

public:
    // `command` may be empty (API keys): then no command line and no QR code.
    SecretDialog(const QString& title, const QString& secret, const QString& command, QWidget* parent = nullptr);
    ~SecretDialog() override;

    QString secret() const;
    QString command() const;
    bool hasQrCode() const;

private:
    QLineEdit* m_secret;
    QLineEdit* m_command = nullptr;
    QLabel* m_qr = nullptr;
};

} // namespace keel::gui
