#pragma once

#include <QByteArray>
#include <QString>

namespace keel::server {

// One page that tells a user how to point each Tailscale client at this server, served where
// Headscale serves its per-platform pages (/apple, /windows) and at /onboarding. `focus`
// ("apple", "windows" or empty) puts that platform's section first.
class OnboardingPage
{
public:
    static QByteArray render(const QString& serverUrl, const QString& focus);
};

} // namespace keel::server
