#pragma once

#include "control/ControlHandler.h"

namespace keel::control {

// What answers before the register/map logic is installed, and for every path it does not take:
// the paths Headscale lists as "not implemented yet" get its answer (501, "Not implemented yet"),
// a known path with the wrong method gets 405, anything else 404 (chi's defaults).
class DefaultControlHandler {
public:
    static ControlHandler handler();
    static void serve(const ControlContext& context, const http::Http2Request& request, http::Http2Response response);

    // True for the paths Headscale routes to its NotImplementedHandler (and for register/map,
    // which this channel leaves to the state logic). `allowedMethod` receives the method it takes.
    static bool isKnownPath(const QByteArray& path, QByteArray* allowedMethod);
    // Go's http.Error: the text plus a newline, text/plain, nosniff.
    static void error(http::Http2Response& response, int status, const QByteArray& text);
};

} // namespace keel::control
