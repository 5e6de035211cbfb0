// libFuzzer target: arbitrary bytes as config.yaml. The loader must never crash, hang or leak,
// and must report at least one diagnostic whenever it does not accept the text.
#include "config/ConfigLoader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const QProcessEnvironment env = [] {
        QProcessEnvironment e;   // empty: the fuzzer's own environment must not steer the result
        e.insert(QStringLiteral("HOME"), QStringLiteral("/nonexistent"));
        e.insert(QStringLiteral("KEEL_DATA_DIR"), QStringLiteral("/nonexistent/keel"));
        return e;
    }();
    const QByteArray text(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const keel::config::LoadResult r = keel::config::ConfigLoader::loadFromText(text, QStringLiteral("fuzz.yaml"), env);
    for (const keel::config::Diagnostic& d : r.diagnostics)
        (void)d.toString();
    if (!r.ok() && r.errors().isEmpty())
        std::abort();
    return 0;
}
