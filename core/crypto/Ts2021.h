#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// Tailscale's framing around Noise IK for the control channel ("ts2021"; control/controlbase in
// tailscale/tailscale, spec control.md 2.4-2.7). All integers on the wire are big-endian.
namespace keel::crypto::ts2021 {

constexpr unsigned char kMsgInitiation = 1;
constexpr unsigned char kMsgResponse = 2;
constexpr unsigned char kMsgError = 3;
constexpr unsigned char kMsgRecord = 4;

constexpr qsizetype kHeaderSize = 3;           // type + uint16 length (all frames but the initiation)
constexpr qsizetype kInitiationHeaderSize = 5; // uint16 version + type + uint16 length
constexpr qsizetype kInitiationSize = 101;
constexpr qsizetype kInitiationPayloadSize = kInitiationSize - kInitiationHeaderSize; // 96
constexpr qsizetype kResponseSize = 51;
constexpr qsizetype kResponsePayloadSize = kResponseSize - kHeaderSize; // 48

// controlbase/conn.go: a whole transport frame is at most 4096 bytes.
constexpr qsizetype kMaxFrameSize = 4096;
constexpr qsizetype kMaxCiphertextSize = kMaxFrameSize - kHeaderSize;  // 4093
constexpr qsizetype kMaxPlaintextSize = kMaxCiphertextSize - 16;       // 4077

// Big-endian uint16 at p[0..2): every length and version field of the framing.
inline qsizetype readBE16(const unsigned char* p)
{
    return (qsizetype(p[0]) << 8) | p[1];
}

// "Tailscale Control Protocol v" + decimal version, mixed in as the Noise prologue.
QByteArray prologue(quint16 version);

// The initiation travels in the X-Tailscale-Handshake header (or the WebSocket query parameter,
// URL-decoded first) as standard base64 with padding. Returns the raw bytes, or nothing with a
// reason; the length itself is checked by the responder so that it can answer with the Go error text.
std::optional<QByteArray> decodeHandshakeHeader(QByteArrayView base64, QString* error);

// A type-3 error frame: an unauthenticated hint the client shows as `server error: "<text>"`.
// Text longer than 65535 bytes is cut.
QByteArray errorFrame(QByteArrayView text);

} // namespace keel::crypto::ts2021
