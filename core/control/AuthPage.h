#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace keel::control {

// The small HTML pages behind the URLs a client shows its user: the interactive registration's
// AuthURL (/register/{id}) and the SSH check's (/auth/{id}). Plain text in, escaped here; one look
// for both (OIDC will replace the "ask an administrator" part later).
class AuthPage
{
public:
    struct Content
    {
        QString title;
        QString intro;        // the paragraph above the commands
        QStringList commands; // each shown in its own block, ready to copy
        QString note;         // the smaller paragraph below
    };
    static QByteArray render(const Content& content);
};

} // namespace keel::control
