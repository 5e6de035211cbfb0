#include "crypto/TransportCodec.h"

#include "crypto/Ts2021.h"

namespace keel::crypto {

TransportCodec::TransportCodec(const Key32& sendKey, const Key32& receiveKey)
    : m_send(sendKey, CipherState::NonceOrder::BigEndian), m_receive(receiveKey, CipherState::NonceOrder::BigEndian)
{
}

void TransportCodec::setCountersForTesting(std::uint64_t send, std::uint64_t receive)
{
    m_send.setCounter(send);
    m_receive.setCounter(receive);
}

bool TransportCodec::failReceive(const QString& error)
{
    m_receiveError = error;
    m_inbox.clear();
    return false;
}

qsizetype TransportCodec::consumeRecords(QByteArrayView data)
{
    qsizetype pos = 0;
    while (data.size() - pos >= ts2021::kHeaderSize) {
        const auto* p = reinterpret_cast<const unsigned char*>(data.data()) + pos;
        if (p[0] != ts2021::kMsgRecord) {
            failReceive(QStringLiteral("received a frame of type %1, want %2 (record)").arg(p[0]).arg(ts2021::kMsgRecord));
            return -1;
        }
        const qsizetype len = ts2021::readBE16(p + 1);
        if (len > ts2021::kMaxCiphertextSize) {
            failReceive(QStringLiteral("record of %1 bytes exceeds the %2-byte limit").arg(len).arg(ts2021::kMaxCiphertextSize));
            return -1;
        }
        if (len < qsizetype(CipherState::kTagSize)) {
            failReceive(QStringLiteral("record of %1 bytes is shorter than its 16-byte tag").arg(len));
            return -1;
        }
        if (data.size() - pos < ts2021::kHeaderSize + len)
            break;
        const qsizetype plainSize = len - qsizetype(CipherState::kTagSize);
        const qsizetype at = m_plaintext.size();
        m_plaintext.resize(at + plainSize);
        if (!m_receive.decrypt({}, p + ts2021::kHeaderSize, size_t(len), reinterpret_cast<unsigned char*>(m_plaintext.data()) + at)) {
            m_plaintext.resize(at);
            failReceive(m_receive.exhausted() ? QStringLiteral("receive cipher exhausted")
                                              : QStringLiteral("record %1 failed to decrypt").arg(m_receive.counter() - 1));
            return -1;
        }
        pos += ts2021::kHeaderSize + len;
    }
    return pos;
}

bool TransportCodec::feed(QByteArrayView ciphertext)
{
    if (receiveFailed())
        return false;
    if (m_inbox.isEmpty()) {
        // Fast path: decrypt straight from the caller's buffer, keep only the incomplete tail.
        const qsizetype used = consumeRecords(ciphertext);
        if (used < 0)
            return false;
        m_inbox.append(ciphertext.sliced(used));
        return true;
    }
    m_inbox.append(ciphertext);
    const qsizetype used = consumeRecords(m_inbox);
    if (used < 0)
        return false;
    m_inbox.remove(0, used);
    return true;
}

QByteArray TransportCodec::takePlaintext()
{
    return std::exchange(m_plaintext, QByteArray());
}

bool TransportCodec::sealRecord(QByteArrayView plaintext, QByteArray& out)
{
    if (sendFailed())
        return false;
    if (plaintext.size() > ts2021::kMaxPlaintextSize) {
        m_sendError = QStringLiteral("record plaintext of %1 bytes exceeds %2").arg(plaintext.size()).arg(ts2021::kMaxPlaintextSize);
        return false;
    }
    const qsizetype len = plaintext.size() + qsizetype(CipherState::kTagSize);
    const qsizetype at = out.size();
    out.resize(at + ts2021::kHeaderSize + len);
    auto* p = reinterpret_cast<unsigned char*>(out.data()) + at;
    p[0] = ts2021::kMsgRecord;
    p[1] = static_cast<unsigned char>(len >> 8);
    p[2] = static_cast<unsigned char>(len & 0xff);
    if (!m_send.encrypt({}, reinterpret_cast<const unsigned char*>(plaintext.data()), size_t(plaintext.size()),
                        p + ts2021::kHeaderSize)) {
        out.resize(at);
        m_sendError = QStringLiteral("send cipher exhausted");
        return false;
    }
    return true;
}

bool TransportCodec::seal(QByteArrayView plaintext, QByteArray& out)
{
    const qsizetype records = (plaintext.size() + ts2021::kMaxPlaintextSize - 1) / ts2021::kMaxPlaintextSize;
    out.reserve(out.size() + plaintext.size() + records * (ts2021::kHeaderSize + qsizetype(CipherState::kTagSize)));
    for (qsizetype pos = 0; pos < plaintext.size(); pos += ts2021::kMaxPlaintextSize) {
        if (!sealRecord(plaintext.sliced(pos, std::min(ts2021::kMaxPlaintextSize, plaintext.size() - pos)), out))
            return false;
    }
    return !sendFailed();
}

} // namespace keel::crypto
