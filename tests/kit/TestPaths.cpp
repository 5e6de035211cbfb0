#include "TestPaths.h"

#include <QDir>
#include <QtGlobal>

namespace keel::test {

QString testdataDir()
{
    const QString env = qEnvironmentVariable("KEEL_TESTDATA");
    if (!env.isEmpty())
        return env;
    return QDir(QStringLiteral(KEEL_SOURCE_DIR "/../shared/testdata")).absolutePath();
}

QString testdataPath(const QString& relative)
{
    return testdataDir() + QLatin1Char('/') + relative;
}

QString binaryDir()
{
    const QString env = qEnvironmentVariable("KEEL_BINARY_DIR");
    return env.isEmpty() ? QStringLiteral(KEEL_BUILD_DIR) : env;
}

} // namespace keel::test
