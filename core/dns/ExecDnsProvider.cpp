#include "dns/ExecDnsProvider.h"

#include "common/Log.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

#include <memory>

namespace keel::dns {

ExecDnsProvider::ExecDnsProvider(QStringList command, int timeoutMs, QObject* parent)
    : QObject(parent)
    , m_command(std::move(command))
    , m_timeoutMs(timeoutMs)
{
}

QString ExecDnsProvider::describe() const
{
    return QStringLiteral("exec ") + m_command.join(QLatin1Char(' '));
}

void ExecDnsProvider::publishTxt(const TxtRecord& record, Done done)
{
    if (m_command.isEmpty()) {
        done(QStringLiteral("no command configured"));
        return;
    }
    auto* process = new QProcess(this);
    auto* timer = new QTimer(process);
    // errorOccurred and finished can both fire for one run: answer once.
    auto finish = std::make_shared<Done>(std::move(done));
    auto answer = [finish](const QString& error) {
        if (!*finish)
            return;
        const Done d = std::exchange(*finish, {});
        d(error);
    };
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KEEL_DNS_RECORD_NAME"), record.name);
    env.insert(QStringLiteral("KEEL_DNS_RECORD_TYPE"), QStringLiteral("TXT"));
    env.insert(QStringLiteral("KEEL_DNS_RECORD_VALUE"), record.value);
    env.insert(QStringLiteral("KEEL_DNS_CERT_DOMAIN"), record.certDomain);
    env.insert(QStringLiteral("KEEL_NODE_ID"), QString::number(record.nodeId));
    process->setProcessEnvironment(env);
    process->setProgram(m_command.first());
    process->setArguments(m_command.mid(1));
    process->setStandardInputFile(QProcess::nullDevice());

    connect(process, &QProcess::errorOccurred, process, [process, answer](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) { // no finished() follows
            answer(QStringLiteral("cannot run %1: %2").arg(process->program(), process->errorString()));
            process->deleteLater();
        }
    });
    connect(process, &QProcess::finished, process, [process, answer, name = record.name](int code, QProcess::ExitStatus status) {
        process->deleteLater();
        if (status == QProcess::NormalExit && code == 0) {
            qCInfo(lcDns).noquote() << "set-dns: published TXT" << name;
            answer({});
            return;
        }
        const QList<QByteArray> lines = process->readAllStandardError().trimmed().split('\n');
        const QString last = QString::fromUtf8(lines.isEmpty() ? QByteArray() : lines.last()).trimmed();
        QString why = status == QProcess::CrashExit ? QStringLiteral("%1 was killed").arg(process->program())
                                                    : QStringLiteral("%1 exited with status %2").arg(process->program()).arg(code);
        if (!last.isEmpty())
            why += QStringLiteral(": ") + last.left(300);
        answer(why);
    });
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, process, [process, answer, this] {
        answer(QStringLiteral("%1 did not finish within %2 s").arg(process->program()).arg(m_timeoutMs / 1000.0));
        process->kill(); // finished() follows and deletes it
    });
    process->start();
    timer->start(m_timeoutMs);
}

} // namespace keel::dns
