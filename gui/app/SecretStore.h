#pragma once

#include <QObject>

#include <functional>

namespace keel::gui {

// API keys for remote servers, kept in the platform's keychain (Secret Service / KWallet on Linux,
// Keychain on macOS, Credential Manager on Windows) through QtKeychain; one entry per server URL.
// Never written to a file by Keel Manager. Asynchronous: the keychain may ask the user to unlock.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const QString& secret, const QString& error)>;

    explicit SecretStore(QObject* parent = nullptr);

    void read(const QString& account, Done done);
    void write(const QString& account, const QString& secret, std::function<void(const QString& error)> done);
    void remove(const QString& account);
};

} // namespace keel::gui
