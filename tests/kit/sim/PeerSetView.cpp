#include "PeerSetView.h"

#include <cstring>

namespace keel::sim {

namespace {

// A forward-only JSON reader over bytes: enough structure to walk objects and arrays, skip any
// value, and read the integers we need. Depth is bounded so hostile nesting cannot blow the stack.
class Scanner
{
public:
    explicit Scanner(QByteArrayView b)
        : m_p(b.data())
        , m_end(b.data() + b.size())
    {
    }

    bool failed() const { return m_failed; }
    bool atEnd()
    {
        ws();
        return m_p == m_end;
    }
    bool fail()
    {
        m_failed = true;
        m_p = m_end;
        return false;
    }
    void ws()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }
    bool peek(char c)
    {
        ws();
        return m_p < m_end && *m_p == c;
    }
    bool eat(char c)
    {
        if (!peek(c))
            return false;
        ++m_p;
        return true;
    }
    // A string; `out` gets its raw bytes (escapes left as they are: keys we look for have none).
    bool string(QByteArrayView* out = nullptr)
    {
        if (!eat('"'))
            return fail();
        const char* start = m_p;
        while (m_p < m_end) {
            const char* q = static_cast<const char*>(std::memchr(m_p, '"', std::size_t(m_end - m_p)));
            if (!q)
                break;
            // The quote is escaped when an odd number of backslashes precede it.
            const char* b = q;
            while (b > start && b[-1] == '\\')
                --b;
            if ((q - b) % 2 == 0) {
                if (out)
                    *out = QByteArrayView(start, q - start);
                m_p = q + 1;
                return true;
            }
            m_p = q + 1;
        }
        return fail();
    }
    bool integer(qint64* out)
    {
        ws();
        bool neg = false;
        if (m_p < m_end && *m_p == '-') {
            neg = true;
            ++m_p;
        }
        if (m_p >= m_end || *m_p < '0' || *m_p > '9')
            return fail();
        qint64 v = 0;
        int digits = 0;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
            if (++digits > 18)
                return fail();
            v = v * 10 + (*m_p++ - '0');
        }
        if (m_p < m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E'))
            return fail(); // ids are integers
        *out = neg ? -v : v;
        return true;
    }
    bool skipValue(int depth = 0)
    {
        if (depth > 64)
            return fail();
        ws();
        if (m_p >= m_end)
            return fail();
        switch (*m_p) {
        case '"':
            return string();
        case '{':
            ++m_p;
            if (eat('}'))
                return true;
            do {
                if (!string() || !eat(':') || !skipValue(depth + 1))
                    return fail();
            } while (eat(','));
            return eat('}') || fail();
        case '[':
            ++m_p;
            if (eat(']'))
                return true;
            do {
                if (!skipValue(depth + 1))
                    return fail();
            } while (eat(','));
            return eat(']') || fail();
        default: {
            // number, true, false, null
            const char* start = m_p;
            while (m_p < m_end && (std::strchr("+-.0123456789eEtruefalsn", *m_p) != nullptr))
                ++m_p;
            return m_p > start || fail();
        }
        }
    }
    // The "ID" member of an object (0 when absent); the whole object is consumed.
    bool objectId(qint64* id)
    {
        *id = 0;
        if (!eat('{'))
            return fail();
        if (eat('}'))
            return true;
        do {
            QByteArrayView key;
            if (!string(&key) || !eat(':'))
                return fail();
            if (key == "ID") {
                if (!integer(id))
                    return false;
            } else if (!skipValue(1)) {
                return false;
            }
        } while (eat(','));
        return eat('}') || fail();
    }
    // Calls fn(id) for each element of an array of objects (their "ID") or of integers.
    template <typename Fn>
    bool idArray(bool objects, Fn fn)
    {
        if (peek('n'))
            return skipValue(); // null
        if (!eat('['))
            return fail();
        if (eat(']'))
            return true;
        do {
            qint64 id = 0;
            if (!(objects ? objectId(&id) : integer(&id)))
                return false;
            fn(id);
        } while (eat(','));
        return eat(']') || fail();
    }

private:
    const char* m_p;
    const char* m_end;
    bool m_failed = false;
};

} // namespace

void PeerSetView::insert(qint64 id)
{
    if (id <= 0 || id > (qint64(1) << 32))
        return;
    const std::size_t w = std::size_t(id >> 6);
    if (w >= m_bits.size())
        m_bits.resize(w + 1 + w / 2, 0);
    const std::uint64_t bit = std::uint64_t(1) << (id & 63);
    if (!(m_bits[w] & bit)) {
        m_bits[w] |= bit;
        ++m_count;
    }
}

void PeerSetView::remove(qint64 id)
{
    if (!contains(id))
        return;
    m_bits[std::size_t(id >> 6)] &= ~(std::uint64_t(1) << (id & 63));
    --m_count;
}

void PeerSetView::clear()
{
    std::fill(m_bits.begin(), m_bits.end(), 0);
    m_count = 0;
}

bool PeerSetView::apply(QByteArrayView json, QString* error)
{
    Scanner s(json);
    std::vector<qint64> peers, changed, removed;
    bool hasPeers = false;
    bool keepAlive = false;
    qint64 self = 0;
    bool hasNode = false;
    auto bad = [error](const char* why) {
        if (error)
            *error = QString::fromLatin1(why);
        return false;
    };
    if (!s.eat('{'))
        return bad("MapResponse is not a JSON object");
    if (!s.eat('}')) {
        do {
            QByteArrayView key;
            if (!s.string(&key) || !s.eat(':'))
                return bad("malformed MapResponse JSON");
            bool ok = true;
            if (key == "Peers") {
                hasPeers = true;
                ok = s.idArray(true, [&](qint64 id) { peers.push_back(id); });
            } else if (key == "PeersChanged") {
                ok = s.idArray(true, [&](qint64 id) { changed.push_back(id); });
            } else if (key == "PeersRemoved") {
                ok = s.idArray(false, [&](qint64 id) { removed.push_back(id); });
            } else if (key == "Node" && s.peek('{')) {
                hasNode = true;
                ok = s.objectId(&self);
            } else if (key == "KeepAlive" && s.peek('t')) {
                keepAlive = true;
                ok = s.skipValue();
            } else {
                ok = s.skipValue();
            }
            if (!ok || s.failed())
                return bad("malformed MapResponse JSON");
        } while (s.eat(','));
        if (!s.eat('}'))
            return bad("malformed MapResponse JSON");
    }
    if (!s.atEnd())
        return bad("trailing bytes after the MapResponse");
    if (keepAlive) {
        ++m_keepAlives;
        return true;
    }
    if (!hasSelf() && !hasNode)
        return bad("initial MapResponse lacked node");
    ++m_messages;
    if (hasNode && self > 0)
        m_selfId = self;
    if (hasPeers && !peers.empty()) {
        // A non-empty Peers replaces the list; the delta fields of that message are ignored.
        clear();
        for (qint64 id : peers)
            insert(id);
        return true;
    }
    for (qint64 id : removed)
        remove(id);
    for (qint64 id : changed)
        insert(id);
    return true;
}

} // namespace keel::sim
