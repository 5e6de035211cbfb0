#pragma once

#include "http/Http2Request.h"

#include <QByteArray>

#include <deque>
#include <functional>

namespace keel::http {

class Http2ServerSession;

// Internal: one request/response exchange inside an Http2ServerSession. The session owns it (a
// shared_ptr in its stream table) and drops it when the stream closes; handlers only ever hold an
// Http2Response, i.e. a weak_ptr, so a late write after a reset or a closed session is a no-op.
struct Http2ServerStream
{
    qint32 id = 0;
    Http2ServerSession* session = nullptr; // cleared when the session goes away

    // request side
    Http2Request request;
    bool remoteClosed = false; // END_STREAM received
    bool rejected = false;     // answered early with rejectStatus, data discarded
    int rejectStatus = 413;    // 413 body too large, 503 too much in flight, 408 body too slow
    bool dispatched = false;
    bool rejectQueued = false;
    qint64 headerBytes = 0;    // names + values received, capped against header floods
    qint64 bufferedBytes = 0;  // body bytes counted against the session's and address's budgets
    qint64 startedMs = 0;      // when the headers began (the body must end within bodyTimeout)

    // response side
    bool headersSent = false;
    bool finished = false;     // no more body after what is pending
    bool dataDeferred = false; // nghttp2 is waiting for resume_data
    std::deque<QByteArray> pending;
    qsizetype pendingOffset = 0; // bytes of pending.front() already handed to nghttp2
    qint64 pendingBytes = 0;
    std::function<void(quint32)> onClosed;
};

} // namespace keel::http
