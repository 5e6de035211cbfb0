#include "ChildProcess.h"

#include <QProcess>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace keel::test {

void dieWithTest(QProcess& process)
{
#ifdef Q_OS_LINUX
    // Runs in the child between fork and exec: SIGKILL when the thread that started it ends.
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#else
    Q_UNUSED(process);
#endif
}

bool askToStop(QProcess& process)
{
#ifdef Q_OS_WIN
    process.kill();
    return false;
#else
    process.terminate();
    return true;
#endif
}

} // namespace keel::test
