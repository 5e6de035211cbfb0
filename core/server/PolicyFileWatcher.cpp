#include "server/PolicyFileWatcher.h"

#include "common/Log.h"

#include <QFile>
#include <QFileInfo>

namespace keel::server {

PolicyFileWatcher::PolicyFileWatcher(const QString& path, std::function<QString()> reload, QObject* parent)
    : QObject(parent)
    , m_path(QFileInfo(path).absoluteFilePath())
    , m_reload(std::move(reload))
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &PolicyFileWatcher::onChanged);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &PolicyFileWatcher::schedule);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &PolicyFileWatcher::schedule);
    m_watcher.addPath(QFileInfo(m_path).absolutePath());
    rewatch();
    QFile f(m_path);
    if (f.open(QIODevice::ReadOnly))
        m_lastContent = m_lastSeen = f.readAll();
}

void PolicyFileWatcher::schedule()
{
    rewatch();
    m_debounce.start();
}

void PolicyFileWatcher::rewatch()
{
    if (QFileInfo::exists(m_path) && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
}

void PolicyFileWatcher::onChanged()
{
    QFile f(m_path);
    if (f.open(QIODevice::ReadOnly) && f.readAll() == m_lastSeen && !m_unreadable)
        return;   // an event for another file in the directory, or a touch
    reload();
}

void PolicyFileWatcher::reload()
{
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (!m_unreadable)
            qCWarning(lcPolicy).noquote() << "policy file" << m_path << QStringLiteral("cannot be read (%1); keeping the current policy").arg(f.errorString());
        m_unreadable = true;
        return;
    }
    m_unreadable = false;
    const QByteArray content = f.readAll();
    m_lastSeen = content;
    if (content == m_lastContent)
        return;  // the policy in force: nothing to do
    const QString refused = m_reload();
    if (!refused.isEmpty()) {
        // m_lastContent stays the applied text: saving that text again needs no reload.
        qCWarning(lcPolicy).noquote() << "policy file" << m_path << "not applied, keeping the current policy:" << refused;
        return;
    }
    m_lastContent = content;
    qCInfo(lcPolicy).noquote() << "policy reloaded from" << m_path;
}

} // namespace keel::server
