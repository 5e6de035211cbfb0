#include "PgCluster.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>

namespace keel::test {

PgCluster::PgCluster(const QString& dir)
    : m_dir(dir)
{
    if ((dir + QStringLiteral("/socket/.s.PGSQL.65535")).toUtf8().size() >= 100) {
        m_shortDir = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/keel-pg-XXXXXX"));
        m_dir = m_shortDir->filePath(QStringLiteral("pg"));
    }
}

PgCluster::~PgCluster()
{
    if (m_started)
        script(QStringLiteral("purge"), nullptr, nullptr);
}

bool PgCluster::script(const QString& mode, QByteArray* out, QString* error)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KEEL_TEST_PG_DIR"), m_dir);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("sh"), {QStringLiteral(KEEL_SOURCE_DIR "/scripts/test-postgres.sh"), mode});
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("test-postgres.sh %1 failed: %2").arg(mode, QString::fromUtf8(p.readAllStandardError()));
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        return false;
    }
    if (out)
        *out = p.readAllStandardOutput();
    return true;
}

bool PgCluster::start(QString* error)
{
    // The cluster runs as `postgres` when the test runs as root: it must be able to reach its
    // directory through the (owner-only) temporary directory the test made.
    QDir().mkpath(m_dir);
    QFile::setPermissions(QFileInfo(m_dir).absolutePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                             | QFileDevice::ExeGroup | QFileDevice::ExeOther);
    QByteArray out;
    m_started = true;   // even a failed start may leave a half-made cluster to purge
    if (!script(QStringLiteral("start"), &out, error))
        return false;
    const auto value = [&](const char* name) {
        const QRegularExpression re(QStringLiteral("%1=(\\S+)").arg(QLatin1String(name)));
        return re.match(QString::fromUtf8(out)).captured(1);
    };
    const quint16 port = quint16(value("KEEL_TEST_PG_PORT").toUInt());
    if (m_port != 0 && port != m_port) {
        if (error)
            *error = QStringLiteral("the cluster came back on port %1 instead of %2").arg(port).arg(m_port);
        return false;
    }
    m_port = port;
    m_user = value("KEEL_TEST_PG_USER");
    m_password = value("KEEL_TEST_PG_PASSWORD");
    m_database = value("KEEL_TEST_PG_DB");
    if (m_port == 0 || m_user.isEmpty()) {
        if (error)
            *error = QStringLiteral("test-postgres.sh printed no connection settings: ") + QString::fromUtf8(out);
        return false;
    }
    return true;
}

bool PgCluster::stop(QString* error)
{
    return script(QStringLiteral("stop"), nullptr, error);
}

QByteArray PgCluster::configYaml() const
{
    return "database:\n  type: postgres\n  postgres:\n    host: 127.0.0.1\n    port: " + QByteArray::number(m_port)
        + "\n    name: " + m_database.toUtf8() + "\n    user: " + m_user.toUtf8() + "\n    pass: " + m_password.toUtf8() + "\n";
}

} // namespace keel::test
