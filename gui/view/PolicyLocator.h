#pragma once

#include <QString>

namespace keel::gui {

// Where in the policy text a problem is, for marking it in the editor.
struct PolicyProblem
{
    QString message;
    int line = 0;     // 1-based; 0 = unknown (the whole document)
    int column = 0;   // 1-based
};

// Checks a policy in this process with the core's parser (HuJSON syntax, then the policy's
// meaning against the given user names) and says where the first problem is. A syntax error has
// an exact line and column; a semantic one ("acls[0].src: group:eng is not defined") is placed at
// the first occurrence of the name it quotes, or at the section it names.
class PolicyLocator
{
public:
    static PolicyProblem check(const QString& text, const QStringList& users);
    // Places a message from anywhere (also the server's check) in `text`.
    static PolicyProblem locate(const QString& text, const QString& message);
};

} // namespace keel::gui
