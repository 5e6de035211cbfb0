#pragma once

#include "crypto/Keys.h"

#include <QByteArray>
#include <QString>

namespace keel::control {

// The client's reading of the first plaintext bytes of a ts2021 connection (ts2021.Conn.readHeader):
// the first 9 bytes are either an EarlyNoise header or the first HTTP/2 frame header. Feed plaintext
// until the status is no longer NeedMore; then takeRemainder() is where HTTP/2 starts.
class EarlyNoiseReader {
public:
    enum class Status { NeedMore, Done, Failed };

    Status feed(const QByteArray& plaintext);
    Status status() const { return m_status; }
    bool hadEarlyPayload() const { return m_hadPayload; }
    const crypto::ChallengePublic& challenge() const { return m_challenge; }
    QString errorString() const { return m_error; }
    // The bytes after the early payload (or all bytes when there was none): HTTP/2 from the server.
    QByteArray takeRemainder() { return std::exchange(m_buffer, {}); }

private:
    Status fail(const QString& error);

    QByteArray m_buffer;
    Status m_status = Status::NeedMore;
    bool m_hadPayload = false;
    crypto::ChallengePublic m_challenge;
    QString m_error;
};

} // namespace keel::control
