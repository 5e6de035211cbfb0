#include "acme/Http01Route.h"

#include "acme/AcmeLog.h"
#include "acme/ChallengeStore.h"
#include "http/Router.h"

namespace keel::acme {

void Http01Route::install(http::Router& router, const ChallengeStore& challenges, const QString& serverUrl)
{
    router.add("GET", QStringLiteral("/.well-known/acme-challenge/{token}"), [&challenges](http::HttpRequest& request) {
        const QByteArray token = request.pathParams.value(QStringLiteral("token")).toLatin1();
        const QByteArray keyAuthorization = challenges.http01(token);
        if (keyAuthorization.isEmpty())
            return http::HttpResponse::text(404, "no such ACME challenge\n");
        qCInfo(lcAcme).noquote() << "answered an HTTP-01 validation from" << request.peerAddress.toString();
        return http::HttpResponse::text(200, keyAuthorization, "application/octet-stream");
    });
    QByteArray base = serverUrl.toUtf8();
    while (base.endsWith('/'))
        base.chop(1);
    router.setFallback([base](http::HttpRequest& request) {
        http::HttpResponse response = http::HttpResponse::text(302, "use HTTPS\n");
        response.setHeader("Location", base + request.target);
        return response;
    });
}

} // namespace keel::acme
