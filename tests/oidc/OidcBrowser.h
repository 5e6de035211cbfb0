#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace keel::test {

// A person's browser, as far as a login needs one: its own cookie jar, redirects followed one by
// one (so the test sees every hop), and HTML forms found and submitted. Drives the real provider's
// login and consent pages and Keel's confirmation page.
class OidcBrowser
{
public:
    struct Page
    {
        int status = 0;             // 0: no HTTP answer (connection refused, timeout)
        QUrl url;
        QByteArray body;
        QByteArray location;
        QString networkError;
        QUrl next() const { return url.resolved(QUrl::fromEncoded(location)); }
    };
    struct Form
    {
        QUrl action;
        QByteArray method;
        QUrlQuery fields;
    };
    struct Login
    {
        Page page;          // the last page: Keel's confirmation or error page, or where it stopped
        QUrl authorizeUrl;  // where Keel sent the browser (the provider's authorization endpoint)
        QUrl callbackUrl;   // where the provider sent it back
    };

    Page get(const QUrl& url, const QList<QPair<QByteArray, QByteArray>>& headers = {});
    Page post(const QUrl& url, const QUrlQuery& form);
    // Opens `authUrl` (a node's AuthURL) and follows the login through the provider as `account`
    // until a page that is neither a redirect nor a provider form. With `stopAtCallback` the
    // callback to Keel is not requested (page is the provider's redirect to it).
    Login login(const QUrl& authUrl, const QString& account, bool stopAtCallback = false);
    // Submits the form of Keel's confirmation page.
    Page confirm(const Page& confirmationPage);

    static std::optional<Form> findForm(const QByteArray& html, const QUrl& base);

private:
    Page wait(class QNetworkReply* reply);

    QNetworkAccessManager m_net;
};

} // namespace keel::test
