#pragma once

#include <QByteArray>

#include <deque>

namespace keel::derp {

// A bounded FIFO of encoded frames for one destination. When full, the oldest frame is dropped to
// make room (derper's head drop): a slow reader loses old packets, the sender is never blocked.
class SendQueue
{
public:
    explicit SendQueue(size_t depth = 32) : m_depth(depth == 0 ? 1 : depth) {}

    // Returns how many frames were dropped to make room (0 or 1).
    int push(QByteArray frame)
    {
        int dropped = 0;
        if (m_frames.size() >= m_depth) {
            m_bytes -= m_frames.front().size();
            m_frames.pop_front();
            dropped = 1;
        }
        m_bytes += frame.size();
        m_frames.push_back(std::move(frame));
        return dropped;
    }

    QByteArray pop()
    {
        QByteArray frame = std::move(m_frames.front());
        m_frames.pop_front();
        m_bytes -= frame.size();
        return frame;
    }

    bool isEmpty() const { return m_frames.empty(); }
    size_t size() const { return m_frames.size(); }
    qsizetype bytes() const { return m_bytes; }
    size_t depth() const { return m_depth; }
    void clear()
    {
        m_frames.clear();
        m_bytes = 0;
    }

private:
    size_t m_depth;
    std::deque<QByteArray> m_frames;
    qsizetype m_bytes = 0;
};

} // namespace keel::derp
