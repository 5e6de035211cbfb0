#include "crypto/Ts2021Initiator.h"

#include "crypto/Ts2021.h"

namespace keel::crypto {

Ts2021Initiator::Ts2021Initiator(const MachinePrivate& machineKey, const MachinePublic& controlKey, quint16 version)
    : Ts2021Initiator(machineKey, controlKey, version, MachinePrivate::generate())
{
}

Ts2021Initiator::Ts2021Initiator(const MachinePrivate& machineKey, const MachinePublic& controlKey, quint16 version,
                                 const MachinePrivate& ephemeral)
    : m_noise(NoiseIK::initiator(ts2021::prologue(version), machineKey.raw(), controlKey.raw(), ephemeral.raw()))
{
    const std::optional<QByteArray> message = m_noise.writeMessageA({});
    if (!message) {
        fail(m_noise.errorString());
        return;
    }
    m_initiation.reserve(ts2021::kInitiationSize);
    m_initiation.append(char(version >> 8));
    m_initiation.append(char(version & 0xff));
    m_initiation.append(char(ts2021::kMsgInitiation));
    m_initiation.append(char(0));
    m_initiation.append(char(ts2021::kInitiationPayloadSize));
    m_initiation.append(*message);
}

Ts2021Initiator::Status Ts2021Initiator::fail(const QString& error)
{
    m_error = error;
    m_status = Status::Failed;
    m_buffer.clear();
    return m_status;
}

Ts2021Initiator::Status Ts2021Initiator::feed(QByteArrayView bytes)
{
    if (m_status != Status::NeedMore)
        return m_status;
    m_buffer.append(bytes);
    if (m_buffer.size() < ts2021::kHeaderSize)
        return m_status;
    const auto* p = reinterpret_cast<const unsigned char*>(m_buffer.constData());
    const qsizetype length = ts2021::readBE16(p + 1);
    if (p[0] == ts2021::kMsgError) {
        if (m_buffer.size() < ts2021::kHeaderSize + length)
            return m_status;
        return fail(QStringLiteral("server error: \"%1\"")
                        .arg(QString::fromUtf8(m_buffer.sliced(ts2021::kHeaderSize, length))));
    }
    if (p[0] != ts2021::kMsgResponse)
        return fail(QStringLiteral("unexpected response message type %1").arg(p[0]));
    if (length != ts2021::kResponsePayloadSize)
        return fail(QStringLiteral("wrong length %1 received for handshake response").arg(length));
    if (m_buffer.size() < ts2021::kResponseSize)
        return m_status;

    const std::optional<QByteArray> payload =
        m_noise.readMessageB(QByteArrayView(m_buffer).sliced(ts2021::kHeaderSize, ts2021::kResponsePayloadSize));
    const std::optional<std::pair<Key32, Key32>> keys = m_noise.splitKeys();
    if (!payload || !keys)
        return fail(QStringLiteral("decrypting payload: %1").arg(m_noise.errorString()));
    m_codec.emplace(keys->first, keys->second); // send k1 (client->server), receive k2
    const QByteArray rest = m_buffer.sliced(ts2021::kResponseSize);
    m_buffer.clear();
    m_status = Status::Done;
    if (!m_codec->feed(rest))
        return fail(m_codec->receiveError());
    return m_status;
}

} // namespace keel::crypto
