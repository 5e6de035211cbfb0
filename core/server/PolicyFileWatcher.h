#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

#include <functional>

namespace keel::server {

// policy.mode file: reloads the policy when the file changes (or on reload(), e.g. SIGHUP).
// Editors often replace a file instead of writing it in place, so the directory is watched too
// and the file re-added; a burst of events within 300 ms is one reload.
class PolicyFileWatcher : public QObject
{
    Q_OBJECT

public:
    // `reload` applies the file and returns an empty string, or why it refused (the old policy stays).
    PolicyFileWatcher(const QString& path, std::function<QString()> reload, QObject* parent = nullptr);

    void reload();

private:
    void schedule();
    void rewatch();

    QString m_path;
    std::function<QString()> m_reload;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QByteArray m_lastContent;
};

} // namespace keel::server
