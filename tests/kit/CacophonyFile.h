#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace keel::test {

// One handshake vector in the cacophony text format (flynn/noise, mcginty/snow): `key=value`
// lines, a vector starting at each `handshake=` line. Binary values are hex.
struct CacophonyVector {
    struct Message {
        QByteArray payload;
        QByteArray ciphertext;
    };
    QString protocolName;
    QByteArray initStatic;       // initiator static private key
    QByteArray respStatic;       // responder static private key
    QByteArray initEphemeral;    // gen_init_ephemeral
    QByteArray respEphemeral;    // gen_resp_ephemeral
    QByteArray initRemoteStatic; // optional: what the initiator knows of the responder
    QByteArray prologue;         // empty when absent
    QByteArray handshakeHash;    // optional
    QList<Message> messages;     // msg_0, msg_1, ... in order
    int firstLine = 0;
};

// Parses the whole file. Unknown keys are kept out but do not fail (other patterns carry PSKs etc.);
// malformed lines, bad hex, gaps in msg_N numbering or a message without both fields fail with a
// message naming the line.
class CacophonyFile {
public:
    static std::optional<QList<CacophonyVector>> parse(const QByteArray& text, QString* error);
};

} // namespace keel::test
