// libFuzzer target: the ts2021 transport frame reader (TransportCodec::feed) with attacker-chosen
// bytes and chunking. Half of the inputs are made valid-looking by sealing the fuzz data with the
// sender's codec first, so the fuzzer also explores the decrypt path beyond the framing checks.
#include "crypto/Keys.h"
#include "crypto/TransportCodec.h"

#include <cstddef>
#include <cstdint>

using namespace keel::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    static const Key32 keyA = [] { Key32 k; k.fill(0x11); return k; }();
    static const Key32 keyB = [] { Key32 k; k.fill(0x22); return k; }();
    const std::uint8_t mode = data[0];
    QByteArrayView rest(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    TransportCodec receiver(keyB, keyA);
    QByteArray wire;
    if (mode & 1) {
        TransportCodec sender(keyA, keyB);
        if (!sender.seal(rest, wire))
            __builtin_trap();
        if (mode & 2 && !wire.isEmpty())
            wire[qsizetype(mode) % wire.size()] = char(wire[qsizetype(mode) % wire.size()] ^ 0x01);
    } else {
        wire = rest.toByteArray();
    }
    // Chunk size from the mode byte: 1..64 bytes at a time, or everything at once.
    const qsizetype chunk = (mode >> 2) == 0 ? wire.size() : qsizetype(mode >> 2);
    QByteArray plaintext;
    for (qsizetype pos = 0; pos < wire.size(); pos += chunk) {
        if (!receiver.feed(QByteArrayView(wire).sliced(pos, std::min(chunk, wire.size() - pos))))
            break;
        plaintext += receiver.takePlaintext();
    }
    // An untampered sealed stream must come back whole; anything else must end in a clean state.
    if ((mode & 3) == 1 && (receiver.receiveFailed() || plaintext != rest))
        __builtin_trap();
    if (receiver.receiveFailed() && receiver.receiveError().isEmpty())
        __builtin_trap();
    return 0;
}
