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

    // Applies the file unless it holds the policy in force (SIGHUP: a refused text is tried again).
    void reload();

private:
    void schedule();
    void rewatch();
    // After a file system event: like reload(), but only when the file's content differs from
    // what was last read, so an event for another file in the directory, or a touch, neither
    // reloads nor repeats the warning about a refused policy.
    void onChanged();

    QString m_path;
    std::function<QString()> m_reload;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QByteArray m_lastContent;   // the text in force
    QByteArray m_lastSeen;      // the text last read (refused or applied)
    bool m_unreadable = false;  // the last read failed (said once, until it succeeds again)
};

} // namespace keel::server
