#pragma once

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QJsonArray>
#include <QObject>
#include <QTimer>

namespace keel::dns {

// Keeps the records of dns.extra_records_path current (Headscale's ExtraRecordsMan): loaded at
// start, re-read when the file changes. Editors and config tools often replace the file (write a
// temporary, rename it over), which makes an inotify watch on the file itself go quiet, so the
// parent directory is watched too and the content hash is checked on a timer as a safety net.
// A file that cannot be read or parsed keeps the last good records; why is logged once per bad
// version of the file. recordsChanged fires only when the parsed records really differ.
class ExtraRecordsWatcher : public QObject
{
    Q_OBJECT
public:
    // `pollMs` <= 0 disables the periodic hash check (the file system watcher still runs).
    explicit ExtraRecordsWatcher(QString path, int pollMs = 5000, QObject* parent = nullptr);

    // The first read. False (with *error) if the file is missing or not a valid records file:
    // Headscale refuses to start then, and so does Keel.
    bool load(QString* error);
    // Re-reads the file if its bytes changed (the watcher and the timer call it; tests too).
    void check();

    const QString& path() const { return m_path; }
    const QJsonArray& records() const { return m_records; }

Q_SIGNALS:
    void recordsChanged(const QJsonArray& records);

private:
    void rearm();

    QString m_path;
    QJsonArray m_records;
    QByteArray m_goodHash; // of the bytes the current records came from
    QByteArray m_badHash;  // of the last refused bytes (so the reason is logged once)
    QString m_lastReadError;
    QFileSystemWatcher m_watcher;
    QTimer m_poll;
    QTimer m_settle; // coalesces the bursts of events one save produces
};

} // namespace keel::dns
