#pragma once

#include "http/HttpResponse.h"

#include <functional>

namespace keel::server {

// An HTTP answer that is not ready when the handler returns (the OIDC pages wait for the identity
// provider). The router is synchronous, so the response takes the connection over (an upgrade that
// writes nothing) and `start` gets a function to call once with the real response; the connection
// is closed after it. If the browser left meanwhile, the late response is dropped.
using Respond = std::function<void(const http::HttpResponse&)>;
http::HttpResponse deferredResponse(std::function<void(Respond)> start);

} // namespace keel::server
