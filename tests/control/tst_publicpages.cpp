// The pages the public listener serves to people: the onboarding page (/apple, /windows,
// /onboarding) and the auth pages (/register/{id}, /auth/{id}); escaped, with the server's URL.
#include "control/AuthPage.h"
#include "server/OnboardingPage.h"

#include <QTest>

using namespace keel;

class TestPublicPages : public QObject
{
    Q_OBJECT

private slots:
    void onboardingNamesTheServer()
    {
        const QByteArray apple = server::OnboardingPage::render(QStringLiteral("https://keel.example.com"), QStringLiteral("apple"));
        QVERIFY(apple.contains("defaults write io.tailscale.ipn.macos ControlURL https://keel.example.com"));
        QVERIFY(apple.contains("defaults write io.tailscale.ipn.macsys ControlURL https://keel.example.com"));
        QVERIFY(apple.indexOf("id=\"apple\"") < apple.indexOf("id=\"windows\"")); // the asked platform first
        const QByteArray windows = server::OnboardingPage::render(QStringLiteral("https://keel.example.com"), QStringLiteral("windows"));
        QVERIFY(windows.indexOf("id=\"windows\"") < windows.indexOf("id=\"apple\""));
        QVERIFY(windows.contains("tailscale login --login-server https://keel.example.com"));
        QVERIFY(windows.contains("/v LoginURL /t REG_SZ"));
        // The URL comes from the config: escaped like everything else.
        const QByteArray odd = server::OnboardingPage::render(QStringLiteral("https://x<y>"), {});
        QVERIFY(!odd.contains("<y>"));
        QVERIFY(odd.contains("x&lt;y&gt;"));
    }

    void authPageEscapes()
    {
        const QByteArray page = control::AuthPage::render({QStringLiteral("SSH check"), QStringLiteral("a <b> c"),
                                                           {QStringLiteral("keel auth approve --auth-id <x>")}, QStringLiteral("note")});
        QVERIFY(page.contains("<h1>SSH check</h1>"));
        QVERIFY(page.contains("a &lt;b&gt; c"));
        QVERIFY(page.contains("<pre>keel auth approve --auth-id &lt;x&gt;</pre>"));
        QVERIFY(page.contains("<p class=\"note\">note</p>"));
    }
};

QTEST_GUILESS_MAIN(TestPublicPages)
#include "tst_publicpages.moc"
