#include "OidcBrowser.h"

#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTest>

namespace keel::test {

namespace {

QString unescape(QString s)
{
    s.replace(QLatin1String("&amp;"), QLatin1String("&"));
    s.replace(QLatin1String("&quot;"), QLatin1String("\""));
    s.replace(QLatin1String("&#39;"), QLatin1String("'"));
    s.replace(QLatin1String("&lt;"), QLatin1String("<"));
    s.replace(QLatin1String("&gt;"), QLatin1String(">"));
    return s;
}

QString attribute(const QString& tag, const QString& name)
{
    const QRegularExpression re(QStringLiteral("\\b%1\\s*=\\s*(\"([^\"]*)\"|'([^']*)')").arg(name), QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(tag);
    if (!m.hasMatch())
        return {};
    return unescape(m.captured(2).isNull() ? m.captured(3) : m.captured(2));
}

} // namespace

OidcBrowser::Page OidcBrowser::wait(QNetworkReply* reply)
{
    (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000);
    Page p;
    p.url = reply->url();
    p.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    p.body = reply->readAll();
    p.location = reply->rawHeader("Location");
    if (reply->error() != QNetworkReply::NoError && p.status == 0)
        p.networkError = reply->errorString();
    if (!reply->isFinished())
        reply->abort();
    reply->deleteLater();
    return p;
}

OidcBrowser::Page OidcBrowser::get(const QUrl& url, const QList<QPair<QByteArray, QByteArray>>& headers)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(15000);
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    return wait(m_net.get(request));
}

OidcBrowser::Page OidcBrowser::post(const QUrl& url, const QUrlQuery& form)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(15000);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    return wait(m_net.post(request, form.toString(QUrl::FullyEncoded).toUtf8()));
}

std::optional<OidcBrowser::Form> OidcBrowser::findForm(const QByteArray& html, const QUrl& base)
{
    const QString text = QString::fromUtf8(html);
    static const QRegularExpression formRe(QStringLiteral("<form\\b([^>]*)>(.*?)</form>"),
                                           QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    const auto m = formRe.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    Form f;
    f.action = base.resolved(QUrl(attribute(m.captured(1), QStringLiteral("action"))));
    f.method = attribute(m.captured(1), QStringLiteral("method")).toUpper().toLatin1();
    static const QRegularExpression inputRe(QStringLiteral("<input\\b([^>]*)>"), QRegularExpression::CaseInsensitiveOption);
    for (auto it = inputRe.globalMatch(m.captured(2)); it.hasNext();) {
        const QString tag = it.next().captured(1);
        const QString name = attribute(tag, QStringLiteral("name"));
        if (!name.isEmpty())
            f.fields.addQueryItem(name, attribute(tag, QStringLiteral("value")));
    }
    return f;
}

OidcBrowser::Login OidcBrowser::login(const QUrl& authUrl, const QString& account, bool stopAtCallback)
{
    Login result;
    Page p = get(authUrl);
    for (int hop = 0; hop < 25; ++hop) {
        if (p.status >= 300 && p.status < 400 && !p.location.isEmpty()) {
            const QUrl next = p.next();
            if (p.url.port() == authUrl.port() && result.authorizeUrl.isEmpty())
                result.authorizeUrl = next;
            if (next.port() == authUrl.port() && next.path() == QLatin1String("/oidc/callback")) {
                result.callbackUrl = next;
                if (stopAtCallback)
                    break;
            }
            p = get(next);
            continue;
        }
        // A form of the provider's (login or consent): fill in the account and submit it.
        if (p.status == 200 && p.url.port() != authUrl.port()) {
            auto form = findForm(p.body, p.url);
            if (!form)
                break;
            if (form->fields.hasQueryItem(QStringLiteral("login")) || p.body.contains("name=\"login\"")) {
                form->fields.removeAllQueryItems(QStringLiteral("login"));
                form->fields.removeAllQueryItems(QStringLiteral("password"));
                form->fields.addQueryItem(QStringLiteral("login"), account);
                form->fields.addQueryItem(QStringLiteral("password"), QStringLiteral("any"));
            }
            p = post(form->action, form->fields);
            continue;
        }
        break;
    }
    result.page = p;
    return result;
}

OidcBrowser::Page OidcBrowser::confirm(const Page& confirmationPage)
{
    const auto form = findForm(confirmationPage.body, confirmationPage.url);
    if (!form)
        return {};
    return post(form->action, form->fields);
}

} // namespace keel::test
