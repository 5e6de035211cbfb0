// ts2021 Noise benchmark: handshakes per second per core (each role alone) and transport
// throughput per core for 1 KiB and 64 KiB writes (seal = frame + encrypt, open = parse + decrypt).
// Single-threaded, so every figure is per core.
//   bench_noise --benchmark_min_time=1
#include "crypto/Keys.h"
#include "crypto/Ts2021Initiator.h"
#include "crypto/Ts2021Responder.h"

#include <QList>

#include <benchmark/benchmark.h>

using namespace keel::crypto;

namespace {

struct Fixture {
    MachinePrivate serverKey = MachinePrivate::generate();
    MachinePrivate clientKey = MachinePrivate::generate();
    MachinePrivate clientEphemeral = MachinePrivate::generate();
    MachinePrivate serverEphemeral = MachinePrivate::generate();
};

Fixture& fixture()
{
    static Fixture f;
    return f;
}

void BM_HandshakeResponder(benchmark::State& state)
{
    Fixture& f = fixture();
    const QByteArray init = Ts2021Initiator(f.clientKey, f.serverKey.publicKey(), 115).initiation();
    for (auto _ : state) {
        Ts2021Accept a = Ts2021Responder::accept(init, f.serverKey); // fresh ephemeral each time, as in production
        if (!a.ok())
            state.SkipWithError("handshake failed");
        benchmark::DoNotOptimize(a.response.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandshakeResponder);

void BM_HandshakeInitiator(benchmark::State& state)
{
    Fixture& f = fixture();
    // With a fixed client ephemeral the server's response can be computed once.
    const QByteArray init = Ts2021Initiator(f.clientKey, f.serverKey.publicKey(), 115, f.clientEphemeral).initiation();
    const QByteArray response = Ts2021Responder::acceptWithEphemeral(init, f.serverKey, f.serverEphemeral).response;
    for (auto _ : state) {
        Ts2021Initiator c(f.clientKey, f.serverKey.publicKey(), 115, f.clientEphemeral);
        if (c.feed(response) != Ts2021Initiator::Status::Done)
            state.SkipWithError("handshake failed");
        benchmark::DoNotOptimize(c.handshakeHash().data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandshakeInitiator);

Key32 fixedKey(unsigned char v)
{
    Key32 k;
    k.fill(v);
    return k;
}

void BM_TransportSeal(benchmark::State& state)
{
    TransportCodec sender(fixedKey(1), fixedKey(2));
    const QByteArray message(state.range(0), 'm');
    QByteArray out;
    for (auto _ : state) {
        out.clear(); // keeps capacity: measures framing + encryption, not allocation
        if (!sender.seal(message, out))
            state.SkipWithError("seal failed");
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TransportSeal)->Arg(1024)->Arg(64 * 1024);

void BM_TransportOpen(benchmark::State& state)
{
    TransportCodec sender(fixedKey(1), fixedKey(2));
    TransportCodec receiver(fixedKey(2), fixedKey(1));
    const QByteArray message(state.range(0), 'm');
    // Pre-seal a batch (nonces must be consumed in order), refill outside the timed region.
    const int batch = int(std::max<qint64>(16, (8 << 20) / state.range(0)));
    QList<QByteArray> wire;
    int next = batch;
    for (auto _ : state) {
        if (next == batch) {
            state.PauseTiming();
            wire.clear();
            for (int i = 0; i < batch; ++i) {
                QByteArray w;
                if (!sender.seal(message, w))
                    state.SkipWithError("seal failed");
                wire.append(w);
            }
            next = 0;
            state.ResumeTiming();
        }
        if (!receiver.feed(wire[next++]))
            state.SkipWithError("open failed");
        benchmark::DoNotOptimize(receiver.takePlaintext().data());
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TransportOpen)->Arg(1024)->Arg(64 * 1024);

} // namespace

BENCHMARK_MAIN();
