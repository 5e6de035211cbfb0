#pragma once

#include <QString>
#include <QUrl>

namespace keel::gui {

// How Keel Manager reaches its server, remembered between runs (QSettings; never the API key,
// which lives in the platform keychain).
struct ConnectionChoice
{
    enum class Mode { None, ThisComputer, LocalDaemon, Remote };

    Mode mode = Mode::None;
    QString configPath;    // ThisComputer: the config.yaml (empty: the usual search)
    QString socketPath;    // LocalDaemon
    QUrl url;              // Remote
    bool insecure = false; // Remote: accept a self-signed certificate

    static ConnectionChoice load();
    void save() const;
    // "This computer", "Keel daemon at /run/keel.sock", "https://keel.example.com".
    QString describe() const;
};

} // namespace keel::gui
