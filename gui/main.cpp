// keel-manager: the Qt Widgets front end (gui/README.md).
#include "KeelVersion.h"
#include "app/ManagerApp.h"

#include <QApplication>
#include <QIcon>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>

using namespace keel::gui;

namespace {
// The user's language for Keel Manager's own strings and Qt's (dialog buttons).
void installTranslations(QApplication& app)
{
    auto* own = new QTranslator(&app);
    if (own->load(QLocale(), QStringLiteral("keel-manager"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        app.installTranslator(own);
    auto* qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(qt);
}
}

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Keel"));
    QApplication::setApplicationName(QStringLiteral("keel-manager"));
    QApplication::setApplicationDisplayName(QStringLiteral("Keel Manager"));
    QApplication::setApplicationVersion(QStringLiteral(KEEL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.keel.KeelManager"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/keel-manager.svg")));
    installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Keel Manager: manage a Keel server, run on this computer or reached over its unix socket or the network.\n"
        "Without options it opens the server chosen last time, or asks."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption thisComputer(QStringLiteral("this-computer"), QStringLiteral("Run the server in this process."));
    const QCommandLineOption config({QStringLiteral("c"), QStringLiteral("config")},
                                    QStringLiteral("The config.yaml for --this-computer (default: the usual search, else ~/.keel/config.yaml)."),
                                    QStringLiteral("file"));
    const QCommandLineOption socket(QStringLiteral("socket"), QStringLiteral("Connect to a keel daemon through its unix socket."), QStringLiteral("path"));
    const QCommandLineOption url(QStringLiteral("url"),
                                 QStringLiteral("Connect to a remote server; the API key comes from KEEL_MANAGER_API_KEY or the keychain."),
                                 QStringLiteral("url"));
    const QCommandLineOption insecure(QStringLiteral("insecure"), QStringLiteral("With --url: accept a self-signed certificate."));
    const QCommandLineOption screenshots(QStringLiteral("screenshots"), QStringLiteral("Save a picture of every view in <dir>, then quit."),
                                         QStringLiteral("dir"));
    parser.addOptions({thisComputer, config, socket, url, insecure, screenshots});
    parser.process(app);

    ManagerApp::Options options;
    if (parser.isSet(thisComputer) || parser.isSet(config)) {
        options.choice.mode = ConnectionChoice::Mode::ThisComputer;
        options.choice.configPath = parser.value(config);
    } else if (parser.isSet(socket)) {
        options.choice.mode = ConnectionChoice::Mode::LocalDaemon;
        options.choice.socketPath = parser.value(socket);
    } else if (parser.isSet(url)) {
        options.choice.mode = ConnectionChoice::Mode::Remote;
        options.choice.url = QUrl::fromUserInput(parser.value(url));
        options.choice.insecure = parser.isSet(insecure);
        options.apiKey = qEnvironmentVariable("KEEL_MANAGER_API_KEY");
    }
    options.screenshotDir = parser.value(screenshots);

    ManagerApp manager;
    if (!manager.start(options))
        return 0;
    return QApplication::exec();
}
