// libFuzzer: the STUN parsers (server side request, client side response). A request that parses
// must produce a response that parses back to the same transaction id and address.
#include "derp/StunPacket.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using keel::derp::StunPacket;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    (void)StunPacket::looksLikeStun(input);
    (void)StunPacket::parseBindingResponse(input);
    const auto id = StunPacket::parseBindingRequest(input);
    if (id) {
        const QHostAddress address(QStringLiteral("2001:db8::7"));
        const auto back = StunPacket::parseBindingResponse(StunPacket::bindingResponse(*id, address, 41641));
        if (!back || back->id != *id || back->address != address || back->port != 41641)
            std::abort();
    }
    return 0;
}
