#include "derp/DerpStats.h"

namespace keel::derp {

QString dropReasonName(DropReason reason)
{
    switch (reason) {
    case DropReason::UnknownDest: return QStringLiteral("unknown_dest");
    case DropReason::UnknownDestOnFwd: return QStringLiteral("unknown_dest_on_fwd");
    case DropReason::GoneDisconnected: return QStringLiteral("gone_disconnected");
    case DropReason::QueueHead: return QStringLiteral("queue_head");
    case DropReason::QueueTail: return QStringLiteral("queue_tail");
    case DropReason::WriteError: return QStringLiteral("write_error");
    case DropReason::DupClient: return QStringLiteral("dup_client");
    case DropReason::Count: break;
    }
    return QStringLiteral("unknown");
}

} // namespace keel::derp
