#pragma once

#include <QByteArray>
#include <QList>

namespace keel::acme {

// Just enough of a TLS ClientHello (RFC 8446 4.1.2) to see which ALPN protocols the client offers,
// read from the bytes peeked off a new connection before the TLS library takes it over: a
// TLS-ALPN-01 validator asks for "acme-tls/1" and must get the challenge certificate.
struct ClientHello
{
    enum class Result { Complete, NeedMore, NotTls };
    Result result = Result::NeedMore;
    QList<QByteArray> alpn;

    // `data` is the start of the connection. NeedMore while the first record is incomplete.
    static ClientHello parse(const QByteArray& data);
};

} // namespace keel::acme
