// libFuzzer: arbitrary bytes into an Http2ServerSession.
// Byte 0 picks the mode: bit 0 = start with a valid client preface + SETTINGS (so the input
// reaches the frame parser instead of failing the preface check), bits 1..7 = feed in pieces of
// that many bytes (0 = all at once). The handler answers in every style the control layer uses.
#include "FrameCheck.h"

#include "http/Http2ServerSession.h"

#include <QList>

using namespace keel::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t mode = data[0];
    QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    if (mode & 1)
        input.prepend(QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + QByteArray::fromHex("000000040000000000"));
    const qsizetype piece = mode >> 1;

    QList<Http2Response> streaming;
    Http2ServerSession::Options options;
    options.maxRequestBodyBytes = 4096;
    Http2ServerSession session(
        [&](const Http2Request& request, Http2Response response) {
            switch (request.path.size() % 4) {
            case 0:
                response.respond(200, {{"content-type", "application/json"}}, request.body);
                break;
            case 1:
                response.sendHeaders(200);
                response.write(QByteArray(100, 'k'));
                streaming.append(response); // a long-poll that stays open
                break;
            case 2:
                response.reset();
                break;
            default:
                response.finish();
                break;
            }
        },
        options);
    QByteArray out;
    QObject::connect(&session, &Http2Session::outgoing, [&](const QByteArray& bytes) { out += bytes; });
    session.start();
    if (piece == 0) {
        session.feed(input);
    } else {
        for (qsizetype pos = 0; pos < input.size(); pos += piece)
            session.feed(QByteArrayView(input).sliced(pos, std::min(piece, input.size() - pos)));
    }
    for (Http2Response& r : streaming) {
        r.write(QByteArray(5000, 'm'));
        r.finish();
    }
    session.transportClosed();
    requireWholeFrames(out, 0);
    if (!session.isClosed())
        std::abort();
    return 0;
}
