// libFuzzer target for the ts2021 channel's untrusted-input path, the way a connection meets it:
//   mode 0: bytes as an HTTP/1.1 request -> HttpRequestParser -> UpgradeRequest::parse -> the
//           responder with the decoded initiation (random bytes must never authenticate);
//   mode 1: bytes as WebSocket frames from a client (http::WebSocketFramer, server role);
//   mode 2: bytes as the first plaintext a client reads (EarlyNoiseReader);
//   mode 3: a valid handshake with fixed keys, then the bytes as the client's plaintext, sealed
//           into Noise records and pushed through a whole ControlConnection (Noise + HTTP/2 +
//           the default handler) on an in-memory device.
#include "FuzzApp.h"
#include "control/ControlConnection.h"
#include "control/DefaultControlHandler.h"
#include "control/EarlyNoiseReader.h"
#include "control/UpgradeRequest.h"
#include "http/WebSocketFramer.h"
#include "crypto/Ts2021Initiator.h"
#include "crypto/Ts2021Responder.h"
#include "http/HttpRequestParser.h"

#include <QCoreApplication>
#include <QIODevice>

#include <cstddef>
#include <cstdint>

using namespace keel;

namespace {

crypto::MachinePrivate fixedKey(unsigned char fill)
{
    crypto::Key32 k;
    k.fill(fill);
    return crypto::MachinePrivate(k);
}

// A socket stand-in: reads come from a buffer, writes are counted and dropped.
class MemoryDevice : public QIODevice
{
public:
    MemoryDevice() { open(QIODevice::ReadWrite); }
    qint64 written = 0;

protected:
    qint64 readData(char*, qint64) override { return 0; }
    qint64 writeData(const char*, qint64 len) override
    {
        written += len;
        return len;
    }
};

void upgradePath(QByteArrayView input)
{
    static const crypto::MachinePrivate serverKey = fixedKey(0x41);
    http::HttpRequestParser parser(http::HttpRequestParser::Limits{});
    if (parser.feed(input.toByteArray()) != http::HttpRequestParser::State::Complete)
        return;
    const http::HttpRequest request = parser.takeRequest();
    const control::UpgradeRequest up = control::UpgradeRequest::parse(request);
    if (up.kind == control::UpgradeRequest::Kind::Reject && (up.status < 400 || up.text.isEmpty()))
        __builtin_trap();
    if (up.kind == control::UpgradeRequest::Kind::Native || up.kind == control::UpgradeRequest::Kind::WebSocket) {
        const crypto::Ts2021Accept accepted = crypto::Ts2021Responder::accept(up.initiation, serverKey);
        if (accepted.ok())
            __builtin_trap();  // a forged initiation authenticated
    }
}

void webSocketPath(QByteArrayView input)
{
    http::WebSocketFramer framer(http::WebSocketFramer::Role::Server);
    const qsizetype half = input.size() / 2;
    framer.feed(input.first(half));
    framer.feed(input.sliced(half));
    if (framer.failed() && framer.takeReplies().isEmpty())
        __builtin_trap();  // a violation always owes a close frame
    (void)framer.takeData();
}

void earlyPath(QByteArrayView input)
{
    control::EarlyNoiseReader reader;
    reader.feed(input.toByteArray());
    if (reader.status() == control::EarlyNoiseReader::Status::Failed && reader.errorString().isEmpty())
        __builtin_trap();
}

void connectionPath(QByteArrayView input)
{
    static const crypto::MachinePrivate serverKey = fixedKey(0x41);
    static const crypto::MachinePrivate clientKey = fixedKey(0x21);
    crypto::Ts2021Initiator initiator(clientKey, serverKey.publicKey(), 115, fixedKey(0x31));
    crypto::Ts2021Accept accepted = crypto::Ts2021Responder::acceptWithEphemeral(initiator.initiation(), serverKey, fixedKey(0x61));
    if (!accepted.ok() || initiator.feed(accepted.response) != crypto::Ts2021Initiator::Status::Done)
        __builtin_trap();
    std::optional<crypto::TransportCodec> client = initiator.takeCodec();
    QByteArray records;
    if (!client->seal(input, records))
        return;
    auto* device = new MemoryDevice;
    const control::ControlContext context{accepted.machineKey, 115, QHostAddress(QHostAddress::LocalHost), {}};
    auto handler = std::make_shared<control::ControlHandler>(control::DefaultControlHandler::handler());
    {
        control::ControlConnection connection(device, context, std::move(*accepted.codec), std::nullopt, handler,
                                              control::ControlConnection::Options{});
        connection.start(accepted.response, records);
        QCoreApplication::sendPostedEvents();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)keel::fuzz::app("fuzz_control_upgrade");
    if (size < 1)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    switch (data[0] & 3) {
    case 0: upgradePath(input); break;
    case 1: webSocketPath(input); break;
    case 2: earlyPath(input); break;
    case 3: connectionPath(input); break;
    }
    return 0;
}
