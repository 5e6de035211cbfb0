#include "crypto/Ts2021Responder.h"

#include "crypto/NoiseIK.h"
#include "crypto/Ts2021.h"

namespace keel::crypto {

namespace {

Ts2021Accept refuse(const char* goMessage)
{
    Ts2021Accept result;
    result.error = QString::fromLatin1(goMessage);
    result.errorFrame = ts2021::errorFrame(goMessage);
    return result;
}

} // namespace

Ts2021Accept Ts2021Responder::accept(QByteArrayView initiation, const MachinePrivate& serverKey)
{
    return acceptWithEphemeral(initiation, serverKey, MachinePrivate::generate());
}

Ts2021Accept Ts2021Responder::acceptWithEphemeral(QByteArrayView initiation, const MachinePrivate& serverKey,
                                                  const MachinePrivate& ephemeral)
{
    // Same checks, order and texts as controlbase.Server.
    if (initiation.size() != ts2021::kInitiationSize)
        return refuse("wrong handshake initiation size");
    const auto* p = reinterpret_cast<const unsigned char*>(initiation.data());
    if (p[2] != ts2021::kMsgInitiation)
        return refuse("unexpected handshake message type");
    if (ts2021::readBE16(p + 3) != ts2021::kInitiationPayloadSize)
        return refuse("wrong handshake initiation length");

    Ts2021Accept result;
    result.version = quint16(ts2021::readBE16(p));
    NoiseIK hs = NoiseIK::responder(ts2021::prologue(result.version), serverKey.raw(), ephemeral.raw());
    const std::optional<QByteArray> payload = hs.readMessageA(initiation.sliced(ts2021::kInitiationHeaderSize));
    if (!payload) {
        result.error = hs.errorString();
        return result;
    }
    // The payload length is fixed by the framing (96 = 32 + 48 + 16), so it is always empty here.
    const std::optional<QByteArray> message = hs.writeMessageB({});
    const std::optional<std::pair<Key32, Key32>> keys = hs.splitKeys();
    if (!message || !keys) {
        result.error = hs.errorString();
        return result;
    }
    result.machineKey = MachinePublic(hs.remoteStatic());
    result.response.reserve(ts2021::kResponseSize);
    result.response.append(char(ts2021::kMsgResponse));
    result.response.append(char(0));
    result.response.append(char(ts2021::kResponsePayloadSize));
    result.response.append(*message);
    result.handshakeHash = hs.handshakeHash();
    result.codec.emplace(keys->second, keys->first); // send k2 (server->client), receive k1
    return result;
}

} // namespace keel::crypto
