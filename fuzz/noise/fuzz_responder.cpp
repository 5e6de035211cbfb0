// libFuzzer target: the ts2021 handshake responder and header decoder with arbitrary input.
// Inputs are tried both as raw initiation bytes and as an X-Tailscale-Handshake header value.
// Every byte of a valid initiation is authenticated, so the fuzzer mostly checks that garbage is
// refused cleanly; a success on random data would be a forgery and traps.
#include "crypto/Keys.h"
#include "crypto/Ts2021.h"
#include "crypto/Ts2021Responder.h"

#include <cstddef>
#include <cstdint>

using namespace keel::crypto;

namespace {

void check(const Ts2021Accept& r)
{
    if (r.ok())
        __builtin_trap(); // random bytes authenticated against our key: impossible unless broken
    if (r.error.isEmpty())
        __builtin_trap();
    if (!r.errorFrame.isEmpty() && r.errorFrame[0] != char(ts2021::kMsgError))
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const MachinePrivate serverKey = [] {
        Key32 k;
        k.fill(0x41);
        return MachinePrivate(k);
    }();
    static const MachinePrivate ephemeral = [] {
        Key32 k;
        k.fill(0x61);
        return MachinePrivate(k);
    }();
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    check(Ts2021Responder::acceptWithEphemeral(input, serverKey, ephemeral));
    QString error;
    if (const std::optional<QByteArray> decoded = ts2021::decodeHandshakeHeader(input, &error))
        check(Ts2021Responder::acceptWithEphemeral(*decoded, serverKey, ephemeral));
    else if (error.isEmpty())
        __builtin_trap();
    return 0;
}
