#include "dns/ExtraRecordsWatcher.h"

#include "common/Log.h"
#include "dns/ExtraRecords.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

namespace keel::dns {

namespace {

bool readAll(const QString& path, QByteArray* bytes, QString* error)
{
    if (QFileInfo(path).isDir()) {
        *error = QStringLiteral("%1 is a directory, a file is expected").arg(path);
        return false;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    *bytes = f.readAll();
    return true;
}

} // namespace

ExtraRecordsWatcher::ExtraRecordsWatcher(QString path, int pollMs, QObject* parent)
    : QObject(parent)
    , m_path(std::move(path))
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(50);
    connect(&m_settle, &QTimer::timeout, this, &ExtraRecordsWatcher::check);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&m_poll, &QTimer::timeout, this, &ExtraRecordsWatcher::check);
    if (pollMs > 0)
        m_poll.start(pollMs);
    rearm();
}

void ExtraRecordsWatcher::rearm()
{
    // A replaced file is a new inode: the old watch is gone and must be added again.
    if (QFileInfo::exists(m_path) && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!m_watcher.directories().contains(dir))
        m_watcher.addPath(dir);
}

bool ExtraRecordsWatcher::load(QString* error)
{
    QByteArray bytes;
    if (!readAll(m_path, &bytes, error))
        return false;
    const ExtraRecords::Parsed parsed = ExtraRecords::parse(bytes);
    if (parsed.status == ExtraRecords::Status::Invalid) {
        *error = QStringLiteral("%1: %2").arg(m_path, parsed.error);
        return false;
    }
    m_records = parsed.records;
    if (parsed.status == ExtraRecords::Status::Ok)
        m_goodHash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    qCInfo(lcDns).noquote() << "extra records:" << m_records.size() << "from" << m_path;
    return true;
}

void ExtraRecordsWatcher::check()
{
    rearm();
    QByteArray bytes;
    QString error;
    if (!readAll(m_path, &bytes, &error)) {
        // Often a moment between an editor's delete and rename: keep the records, say it once.
        if (error != m_lastReadError)
            qCWarning(lcDns).noquote() << "extra records: keeping the last good records;" << error;
        m_lastReadError = error;
        return;
    }
    m_lastReadError.clear();
    const QByteArray hash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    if (hash == m_goodHash || hash == m_badHash)
        return;
    const ExtraRecords::Parsed parsed = ExtraRecords::parse(bytes);
    if (parsed.status == ExtraRecords::Status::Empty)
        return; // a file being written; the complete one comes with the next event
    if (parsed.status == ExtraRecords::Status::Invalid) {
        m_badHash = hash;
        qCWarning(lcDns).noquote() << "extra records: keeping the last good records;" << m_path + QStringLiteral(":") << parsed.error;
        return;
    }
    m_goodHash = hash;
    m_badHash.clear();
    if (parsed.records == m_records)
        return;
    qCInfo(lcDns).noquote() << "extra records: reloaded" << m_path + QStringLiteral(",") << m_records.size() << "->" << parsed.records.size();
    m_records = parsed.records;
    Q_EMIT recordsChanged(m_records);
}

} // namespace keel::dns
