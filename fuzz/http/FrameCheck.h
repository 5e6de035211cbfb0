#pragma once

#include <QByteArray>

#include <cstdlib>

// Whatever a session wrote must be whole HTTP/2 frames (after the client magic, for a client):
// a torn frame would desynchronise the peer. Aborts (a fuzzer finding) otherwise.
inline void requireWholeFrames(const QByteArray& out, qsizetype start)
{
    qsizetype pos = start;
    while (out.size() - pos >= 9) {
        const auto* p = reinterpret_cast<const unsigned char*>(out.constData() + pos);
        pos += 9 + ((qsizetype(p[0]) << 16) | (qsizetype(p[1]) << 8) | p[2]);
    }
    if (pos != out.size())
        std::abort();
}
