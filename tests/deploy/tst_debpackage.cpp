// The fast half of the package check (the slow half installs it into a clean Debian root:
// scripts/test-deb-install.sh): the .deb CPack builds holds the binary, the unit, the example
// config and its maintainer scripts; its binary runs and accepts the config postinst installs;
// and the systemd unit passes `systemd-analyze verify`.
#include "KeelProcess.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
};

Run run(const QString& program, const QStringList& args, const QString& workDir = {}, int timeoutMs = 300000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, p.readAll() + "\n(timed out)"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAll()};
}

} // namespace

class TestDebPackage : public QObject
{
    Q_OBJECT

private slots:
    void packageContentsScriptsAndUnit();
};

void TestDebPackage::packageContentsScriptsAndUnit()
{
    for (const char* tool : {"/usr/bin/cpack", "/usr/bin/dpkg-deb", "/usr/bin/systemd-analyze"})
        QVERIFY2(QFileInfo(QString::fromLatin1(tool)).isExecutable(), tool);
    QTemporaryDir dir;
    const QString build = qEnvironmentVariable("KEEL_BINARY_DIR");
    const Run packed = run(QStringLiteral("/usr/bin/cpack"),
                           {QStringLiteral("--config"), build + QStringLiteral("/CPackConfig.cmake"), QStringLiteral("-G"), QStringLiteral("DEB"),
                            QStringLiteral("-B"), dir.path()});
    QVERIFY2(packed.exitCode == 0, packed.out.constData());
    const QStringList debs = QDir(dir.path()).entryList({QStringLiteral("keel_*.deb")});
    QCOMPARE(debs.size(), 1);
    const QString deb = dir.filePath(debs.first());

    const Run fields = run(QStringLiteral("/usr/bin/dpkg-deb"), {QStringLiteral("-f"), deb});
    QVERIFY2(fields.out.contains("Package: keel\n"), fields.out.constData());
    for (const char* dep : {"libqt6sql6-sqlite", "libqt6sql6-psql", "libqt6core6", "libsodium23"})
        QVERIFY2(fields.out.contains(dep), qPrintable(QStringLiteral("Depends lacks %1:\n%2").arg(QLatin1String(dep), QString::fromUtf8(fields.out))));

    const Run contents = run(QStringLiteral("/usr/bin/dpkg-deb"), {QStringLiteral("-c"), deb});
    for (const char* path : {"./usr/bin/keel", "./usr/lib/systemd/system/keel.service", "./usr/share/doc/keel/config-example.yaml",
                             "./usr/share/doc/keel/deployment.md"})
        QVERIFY2(contents.out.contains(path), qPrintable(QStringLiteral("%1 missing:\n%2").arg(QLatin1String(path), QString::fromUtf8(contents.out))));
    QVERIFY2(contents.out.contains("-rwxr-xr-x root/root") , contents.out.constData());

    const QString control = dir.filePath(QStringLiteral("control"));
    QCOMPARE(run(QStringLiteral("/usr/bin/dpkg-deb"), {QStringLiteral("-e"), deb, control}).exitCode, 0);
    for (const char* script : {"postinst", "prerm", "postrm"}) {
        const QFileInfo info(control + QLatin1Char('/') + QLatin1String(script));
        QVERIFY2(info.isExecutable(), script);
        QCOMPARE(run(QStringLiteral("/bin/sh"), {QStringLiteral("-n"), info.filePath()}).exitCode, 0);   // parses
    }

    // The packaged binary runs and accepts the config postinst installs as /etc/keel/config.yaml.
    const QString root = dir.filePath(QStringLiteral("root"));
    QCOMPARE(run(QStringLiteral("/usr/bin/dpkg-deb"), {QStringLiteral("-x"), deb, root}).exitCode, 0);
    const Run version = run(root + QStringLiteral("/usr/bin/keel"), {QStringLiteral("version")});
    QVERIFY2(version.exitCode == 0 && !version.out.trimmed().isEmpty(), version.out.constData());
    const Run configtest = run(root + QStringLiteral("/usr/bin/keel"),
                               {QStringLiteral("configtest"), QStringLiteral("-c"), root + QStringLiteral("/usr/share/doc/keel/config-example.yaml")});
    QVERIFY2(configtest.exitCode == 0, configtest.out.constData());
    QVERIFY2(configtest.out.contains("(0 warnings)"), configtest.out.constData());

    // The unit, with ExecStart pointing at the extracted binary (nothing is installed on this host).
    QFile unit(root + QStringLiteral("/usr/lib/systemd/system/keel.service"));
    QVERIFY(unit.open(QIODevice::ReadOnly));
    QByteArray text = unit.readAll();
    QVERIFY(text.contains("ExecStart=/usr/bin/keel serve -c /etc/keel/config.yaml"));
    text.replace("/usr/bin/keel", (root + QStringLiteral("/usr/bin/keel")).toUtf8());
    QFile copy(dir.filePath(QStringLiteral("keel.service")));
    QVERIFY(copy.open(QIODevice::WriteOnly));
    copy.write(text);
    copy.close();
    const Run verify = run(QStringLiteral("/usr/bin/systemd-analyze"), {QStringLiteral("verify"), copy.fileName()});
    QVERIFY2(verify.exitCode == 0 && verify.out.trimmed().isEmpty(), verify.out.constData());
}

QTEST_GUILESS_MAIN(TestDebPackage)
#include "tst_debpackage.moc"
