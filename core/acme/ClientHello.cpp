#include "acme/ClientHello.h"

namespace keel::acme {

namespace {

// A bounds-checked reader over the handshake message.
struct Reader
{
    const QByteArray& d;
    qsizetype pos = 0;
    qsizetype end = 0;
    bool ok = true;

    quint32 number(int bytes)
    {
        if (pos + bytes > end) {
            ok = false;
            return 0;
        }
        quint32 v = 0;
        for (int i = 0; i < bytes; ++i)
            v = (v << 8) | quint8(d[pos++]);
        return v;
    }
    void skip(qsizetype n)
    {
        if (pos + n > end)
            ok = false;
        else
            pos += n;
    }
};

QList<QByteArray> alpnList(const QByteArray& d, qsizetype pos, qsizetype len)
{
    QList<QByteArray> out;
    Reader r{d, pos, pos + len};
    const quint32 listLen = r.number(2);
    const qsizetype listEnd = r.pos + listLen;
    while (r.ok && r.pos < listEnd) {
        const quint32 n = r.number(1);
        if (!r.ok || r.pos + qsizetype(n) > listEnd)
            break;
        out << d.mid(r.pos, n);
        r.pos += n;
    }
    return out;
}

} // namespace

ClientHello ClientHello::parse(const QByteArray& data)
{
    ClientHello hello;
    if (data.size() >= 1 && quint8(data[0]) != 0x16) {  // handshake record
        hello.result = Result::NotTls;
        return hello;
    }
    if (data.size() < 5)
        return hello;
    const qsizetype recordLen = (quint8(data[3]) << 8) | quint8(data[4]);
    if (data.size() < 5 + recordLen)
        return hello;
    hello.result = Result::Complete;
    // A ClientHello split over several records is legal but rare: what the first holds is read.
    Reader r{data, 5, 5 + recordLen};
    if (r.number(1) != 1)   // client_hello
        return hello;
    r.skip(3);              // handshake length
    r.skip(2 + 32);         // legacy_version, random
    r.skip(r.number(1));    // session id
    r.skip(r.number(2));    // cipher suites
    r.skip(r.number(1));    // compression methods
    const qsizetype extEnd = r.pos + r.number(2);
    while (r.ok && r.pos + 4 <= extEnd) {
        const quint32 type = r.number(2);
        const quint32 len = r.number(2);
        if (!r.ok || r.pos + qsizetype(len) > r.end)
            break;
        if (type == 16)   // application_layer_protocol_negotiation
            hello.alpn = alpnList(data, r.pos, len);
        r.pos += len;
    }
    return hello;
}

} // namespace keel::acme
