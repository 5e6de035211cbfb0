#pragma once

#include "crypto/Keys.h"
#include "http/Http2Request.h"
#include "http/Http2Response.h"

#include <QHostAddress>

#include <functional>

namespace keel::control {

// Who is speaking on one ts2021 connection. Everything here is fixed for the connection's life:
// the machine key was authenticated by the Noise handshake, so a handler may trust it (and must
// check that any NodeKey in a request body belongs to it, control.md 2.9).
struct ControlContext {
    crypto::MachinePublic machineKey;
    int protocolVersion = 0;           // the client's capability version (initiation header)
    QHostAddress peer;                 // the TCP peer of the upgraded connection
    crypto::ChallengePublic challenge; // the nodeKeyChallenge sent in EarlyNoise (zero on WebSocket)
};

// The control logic behind the Noise channel. Called once per complete HTTP/2 request; the
// response handle may be kept and written later (long-polls). The stable seam between the
// channel (this folder's ControlEndpoint) and the register/map logic.
using ControlHandler = std::function<void(const ControlContext&, const http::Http2Request&, http::Http2Response)>;

} // namespace keel::control
