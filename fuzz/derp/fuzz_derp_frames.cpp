// libFuzzer: the DERP frame reader with the server's per-type limits, then every payload decoder
// (what a client or a mesh peer can make the server or a client parse). The first byte picks the
// path: bit 7 set = the bytes are WebSocket frames from a client (DERP over WebSocket, spec
// A.2.3), unwrapped by the server-role framer before the DERP reader sees them; the low 7 bits
// choose how the stream is cut. A second target shape: bits 7 and 6 set = the bytes are a DER
// certificate given to the client's meta-certificate reader.
#include "derp/ClientInfo.h"
#include "derp/FrameCodec.h"
#include "derp/FrameReader.h"
#include "derp/MetaCertificate.h"
#include "derp/NaclBox.h"
#include "http/WebSocketFramer.h"

#include <QSslCertificate>

#include <cstddef>
#include <cstdint>

using namespace keel::derp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const keel::crypto::NodePrivate key = keel::crypto::NodePrivate::generate();
    // The first byte chooses how the stream is cut, so frame boundaries fall anywhere.
    if (size == 0)
        return 0;
    const bool webSocket = data[0] & 0x80;
    const size_t chunk = size_t(data[0] & 0x7f) + 1;
    const QByteArrayView input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    if ((data[0] & 0xc0) == 0xc0) {
        (void)MetaCertificate::find({QSslCertificate(input.toByteArray(), QSsl::Der)});
        return 0;
    }
    keel::http::WebSocketFramer framer(keel::http::WebSocketFramer::Role::Server);
    FrameReader reader([](quint8 type) {
        return type == quint8(FrameType::ClientInfo) ? MaxClientInfoLength : 2 * KeyLength + MaxPacketSize;
    });
    Frame frame;
    for (qsizetype at = 0; at < input.size(); at += qsizetype(chunk)) {
        const QByteArrayView piece = input.sliced(at, qMin(qsizetype(chunk), input.size() - at));
        if (webSocket) {
            const bool ok = framer.feed(piece);
            (void)framer.takeReplies();
            reader.feed(framer.takeData());
            if (!ok)
                break;
        } else {
            reader.feed(piece);
        }
        while (reader.next(&frame) == FrameReader::Result::FrameReady) {
            const QByteArrayView p(frame.payload);
            switch (frame.type) {
            case FrameType::ServerKey: (void)FrameCodec::parseServerKey(p); break;
            case FrameType::SendPacket:
            case FrameType::RecvPacket: (void)FrameCodec::parseKeyedPacket(p); break;
            case FrameType::ForwardPacket: (void)FrameCodec::parseForwardPacket(p); break;
            case FrameType::PeerGone: (void)FrameCodec::parsePeerGone(p); break;
            case FrameType::PeerPresent: (void)FrameCodec::parsePeerPresent(p); break;
            case FrameType::Restarting: (void)FrameCodec::parseRestarting(p); break;
            case FrameType::ClientInfo: {
                QString error;
                (void)ClientInfo::fromJson(frame.payload, &error);
                if (p.size() >= qsizetype(MinClientInfoLength))
                    (void)NaclBox::open(p.sliced(KeyLength), key.raw(), key.publicKey().raw());
                break;
            }
            case FrameType::ServerInfo: {
                QString error;
                (void)ServerInfo::fromJson(frame.payload, &error);
                break;
            }
            default: break;
            }
        }
    }
    return 0;
}
