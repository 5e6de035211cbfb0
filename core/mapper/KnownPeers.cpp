#include "mapper/KnownPeers.h"

namespace keel::control {

bool KnownPeers::knows(qint64 id) const
{
    if (m_all)
        return id != m_self && m_all->node(id);
    return m_ids.contains(id);
}

bool KnownPeers::knowsNone() const
{
    if (m_all)
        return m_all->nodes.size() <= (m_all->node(m_self) ? 1 : 0);
    return m_ids.isEmpty();
}

QSet<qint64>& KnownPeers::ids()
{
    if (m_all) {
        m_ids.clear();
        for (auto it = m_all->nodes.cbegin(); it != m_all->nodes.cend(); ++it)
            if (it.key() != m_self)
                m_ids.insert(it.key());
        m_all.reset();
    }
    return m_ids;
}

void KnownPeers::setAll(const std::shared_ptr<const state::Snapshot>& s)
{
    m_all = s;
    m_ids = QSet<qint64>();
}

void KnownPeers::set(QSet<qint64> peers)
{
    m_all.reset();
    m_ids = std::move(peers);
}

} // namespace keel::control
