#include "TsApiClient.h"

#include <QTcpSocket>
#include <QTest>

QByteArray TsAnswer::header(const QByteArray& name) const
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

TsAnswer TsApiClient::call(const QByteArray& method, const QString& path, const QByteArray& authorization, const QByteArray& body,
                           const QList<QPair<QByteArray, QByteArray>>& headers) const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(5000))
        return {};
    QByteArray request = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!authorization.isEmpty())
        request += "Authorization: " + authorization + "\r\n";
    for (const auto& [k, v] : headers)
        request += k + ": " + v + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket.write(request);
    QByteArray in;
    (void)QTest::qWaitFor([&] {
        in += socket.readAll();
        return socket.state() == QAbstractSocket::UnconnectedState;
    }, 10'000);
    in += socket.readAll();
    TsAnswer a;
    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0)
        return a;
    const QList<QByteArray> lines = in.left(end).split('\n');
    a.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            a.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    a.body = in.mid(end + 4);
    return a;
}

TsAnswer TsApiClient::json(const QByteArray& method, const QString& path, const QByteArray& authorization, const QJsonObject& body) const
{
    return call(method, path, authorization, QJsonDocument(body).toJson(QJsonDocument::Compact), {{"Content-Type", "application/json"}});
}
