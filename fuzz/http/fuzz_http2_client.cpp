// libFuzzer: arbitrary server bytes into an Http2ClientSession that has three requests in flight
// (as the node simulator would). Byte 0: bit 0 = prepend a valid server preface (empty SETTINGS).
#include "FuzzApp.h"
#include "FrameCheck.h"

#include "http/Http2ClientSession.h"
#include "http/Http2ClientStream.h"

#include <QCoreApplication>

using namespace keel::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    (void)keel::fuzz::app("fuzz_http2_client"); // request() writes from the event loop

    if (size == 0)
        return 0;
    QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    if (data[0] & 1)
        input.prepend(QByteArray::fromHex("000000040000000000"));

    QByteArray out;
    qint64 received = 0;
    {
        Http2ClientSession session;
        QObject::connect(&session, &Http2Session::outgoing, [&](const QByteArray& bytes) { out += bytes; });
        session.start();
        for (int i = 0; i < 3; ++i) {
            Http2ClientStream* stream = session.request("POST", "/machine/map", QByteArray(i * 1000, 'b'));
            QObject::connect(stream, &Http2ClientStream::dataReceived, [&](const QByteArray& c) { received += c.size(); });
        }
        QCoreApplication::processEvents();
        session.feed(input);
        QCoreApplication::processEvents();
        session.transportClosed();
        QCoreApplication::processEvents();
        if (!session.isClosed())
            std::abort();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    const QByteArray magic("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    if (!out.startsWith(magic))
        std::abort();
    requireWholeFrames(out, magic.size());
    return 0;
}
