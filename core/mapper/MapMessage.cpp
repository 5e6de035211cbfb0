#include "mapper/MapMessage.h"

#include <QJsonDocument>

namespace keel::control {

namespace {

void appendArray(QByteArray& out, const char* key, const QList<QByteArray>& items)
{
    out += '"';
    out += key;
    out += "\":[";
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        out += items[i];
    }
    out += ']';
}

} // namespace

QByteArray MapMessage::toJson() const
{
    const QByteArray rest = QJsonDocument(fields).toJson(QJsonDocument::Compact); // "{...}"
    if (peers.isEmpty() && peersChanged.isEmpty())
        return rest;
    qsizetype size = rest.size() + 32;
    for (const QByteArray& p : peers)
        size += p.size() + 1;
    for (const QByteArray& p : peersChanged)
        size += p.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += '{';
    bool first = true;
    if (!peers.isEmpty()) {
        appendArray(out, "Peers", peers);
        first = false;
    }
    if (!peersChanged.isEmpty()) {
        if (!first)
            out += ',';
        appendArray(out, "PeersChanged", peersChanged);
        first = false;
    }
    if (rest.size() > 2) // not "{}"
        out += ',';
    out.append(rest.constData() + 1, rest.size() - 1); // the fields and the closing brace
    return out;
}

QJsonObject MapMessage::toObject() const
{
    return QJsonDocument::fromJson(toJson()).object();
}

} // namespace keel::control
