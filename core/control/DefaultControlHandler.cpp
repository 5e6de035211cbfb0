#include "control/DefaultControlHandler.h"

#include <QByteArrayView>

namespace keel::control {

namespace {

struct KnownRoute {
    const char* method;
    const char* path;
};

// hscontrol/noise.go's route table for the Noise router. /machine/register and /machine/map are
// the state logic's; until it is installed they answer 501 like the rest.
constexpr KnownRoute kRoutes[] = {
    {"POST", "/machine/register"},
    {"POST", "/machine/map"},
    {"GET", "/machine/whoami"},
    {"POST", "/machine/set-dns"},
    {"PATCH", "/machine/set-device-attr"},
    {"POST", "/machine/audit-log"},
    {"POST", "/machine/id-token"},
    {"POST", "/machine/feature/query"},
    {"POST", "/machine/update-health"},
    {"POST", "/machine/c2n"},
};

QByteArrayView pathOnly(const QByteArray& path)
{
    const qsizetype q = path.indexOf('?');
    return q < 0 ? QByteArrayView(path) : QByteArrayView(path).first(q);
}

} // namespace

ControlHandler DefaultControlHandler::handler()
{
    return &DefaultControlHandler::serve;
}

bool DefaultControlHandler::isKnownPath(const QByteArray& path, QByteArray* allowedMethod)
{
    const QByteArrayView p = pathOnly(path);
    for (const KnownRoute& route : kRoutes) {
        if (p == QByteArrayView(route.path)) {
            if (allowedMethod)
                *allowedMethod = route.method;
            return true;
        }
    }
    // SSH check mode (GET /machine/ssh/action/{src}/to/{dst}): ControlService answers it (SshCheck);
    // without the control logic installed it is a known path answering 501 like the rest.
    if (p.startsWith("/machine/ssh/action/")) {
        if (allowedMethod)
            *allowedMethod = "GET";
        return true;
    }
    return false;
}

void DefaultControlHandler::error(http::Http2Response& response, int status, const QByteArray& text)
{
    response.respond(status,
                     {{"content-type", "text/plain; charset=utf-8"}, {"x-content-type-options", "nosniff"}},
                     text + '\n');
}

void DefaultControlHandler::serve(const ControlContext&, const http::Http2Request& request, http::Http2Response response)
{
    QByteArray method;
    if (!isKnownPath(request.path, &method)) {
        error(response, 404, "404 page not found");
        return;
    }
    if (request.method != method) {
        response.respond(405, {{"allow", method}});
        return;
    }
    error(response, 501, "Not implemented yet");
}

} // namespace keel::control
