#pragma once

#include "crypto/CipherState.h"

#include <QByteArray>
#include <QString>

namespace keel::crypto {

// The ts2021 transport after the handshake, as a pure codec with no socket: the server's
// QTcpSocket code, the test client, the fuzzer and the benchmark all drive this same object.
//
// Receive: feed() ciphertext in any chunking; complete records (type 4, BE16 length, ChaCha20-Poly1305
// with big-endian nonces, empty AD) are decrypted into a plaintext buffer that takePlaintext() drains.
// Zero-length records are legal and simply add nothing. Any bad type byte, oversize length
// (> 4093), short record or failed decryption breaks the receive side for good (as in Go's Conn);
// feed() then returns false for ever and receiveError() says why.
//
// Send: seal() frames plaintext as records of at most 4077 bytes each; sealRecord() writes exactly one
// record (a zero-length one too). The send side breaks for good only when its counter is exhausted.
class TransportCodec {
public:
    TransportCodec(const Key32& sendKey, const Key32& receiveKey);
    TransportCodec(TransportCodec&&) noexcept = default;
    TransportCodec& operator=(TransportCodec&&) noexcept = default;

    // --- receive
    bool feed(QByteArrayView ciphertext);
    QByteArray takePlaintext();
    qsizetype plaintextSize() const { return m_plaintext.size(); }
    // Bytes of an incomplete record waiting for the rest.
    qsizetype pendingCiphertext() const { return m_inbox.size(); }
    bool receiveFailed() const { return !m_receiveError.isEmpty(); }
    QString receiveError() const { return m_receiveError; }
    std::uint64_t recordsReceived() const { return m_receive.counter(); }

    // --- send
    [[nodiscard]] bool seal(QByteArrayView plaintext, QByteArray& out);
    [[nodiscard]] bool sealRecord(QByteArrayView plaintext, QByteArray& out);
    bool sendFailed() const { return !m_sendError.isEmpty(); }
    QString sendError() const { return m_sendError; }
    std::uint64_t recordsSent() const { return m_send.counter(); }

    // Test hook for the 2^64-1 rule; positions both counters.
    void setCountersForTesting(std::uint64_t send, std::uint64_t receive);

private:
    // Decrypts every whole record at the start of `data`; returns how many bytes it used, or -1.
    qsizetype consumeRecords(QByteArrayView data);
    bool failReceive(const QString& error);

    CipherState m_send;
    CipherState m_receive;
    QByteArray m_inbox;
    QByteArray m_plaintext;
    QString m_receiveError;
    QString m_sendError;
};

} // namespace keel::crypto
