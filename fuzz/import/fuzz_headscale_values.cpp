// libFuzzer target for the values a Headscale database import reads (a file an operator got from
// elsewhere): every decoder in HeadscaleImportValues gets the input as a text column, as SQLite
// gives it, and as a byte array.
#include "backup/HeadscaleImportValues.h"

#include <cstddef>
#include <cstdint>

using namespace keel::store;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const QString text = QString::fromUtf8(bytes);
    for (const QVariant& v : {QVariant(text), QVariant(bytes)}) {
        (void)HeadscaleImportValues::time(v);
        (void)HeadscaleImportValues::boolean(v);
        (void)HeadscaleImportValues::stringList(v);
        for (const char* marker : {"mkey:", "nodekey:", "discokey:"})
            (void)HeadscaleImportValues::key(v, QString::fromLatin1(marker));
        (void)HeadscaleImportValues::addresses(v);
    }
    (void)HeadscaleImportValues::dnsLabel(text);
    return 0;
}
