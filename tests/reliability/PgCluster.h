#pragma once

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace keel::test {

// A PostgreSQL cluster of the test's own, in its temporary directory (scripts/test-postgres.sh
// with KEEL_TEST_PG_DIR pointing there): never the cluster the rest of the suite shares, so a
// test may stop and start it. Purged (stopped and deleted) by the destructor.
class PgCluster
{
public:
    // `dir` is ignored when its socket path would be too long for a unix socket (108 bytes, ctest's
    // temporary directories are deep): the cluster then lives in a short /tmp/keel-pg-XXXXXX of its
    // own, removed with it.
    explicit PgCluster(const QString& dir);
    ~PgCluster();

    bool start(QString* error = nullptr);   // initdb on first use; returns when it accepts connections
    bool stop(QString* error = nullptr);    // pg_ctl stop -m fast (the data stays)
    // The `database:` section of a keel config for this cluster.
    QByteArray configYaml() const;
    quint16 port() const { return m_port; }

private:
    bool script(const QString& mode, QByteArray* out, QString* error);

    std::unique_ptr<QTemporaryDir> m_shortDir;
    QString m_dir;
    quint16 m_port = 0;
    QString m_user, m_password, m_database;
    bool m_started = false;
};

} // namespace keel::test
