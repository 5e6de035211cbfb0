#include "LegacyForms.h"

namespace keel::cli {

namespace {

// Global flags that take a value: their value is not a command word.
bool takesValue(const QString& flag)
{
    return flag == QLatin1String("-c") || flag == QLatin1String("--config") || flag == QLatin1String("-o")
           || flag == QLatin1String("--output");
}

// Positions of the command words (the words before the first flag of the command itself are
// the command path; `keel -c f users rename a b` -> {users, rename, a, b} at their indices).
QList<int> words(const QStringList& args)
{
    QList<int> out;
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--"))
            break;
        if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            if (takesValue(a))
                ++i;
            else if (!a.contains(QLatin1Char('=')) && i + 1 < args.size() && !args[i + 1].startsWith(QLatin1Char('-'))
                     && !out.isEmpty())
                ++i; // a command flag's value (`-i 7`); switches before a positional are rare here
            continue;
        }
        out << i;
    }
    return out;
}

bool isUsers(const QString& w)
{
    return w == QLatin1String("users") || w == QLatin1String("user") || w == QLatin1String("namespaces")
           || w == QLatin1String("namespace") || w == QLatin1String("ns");
}
bool isNodes(const QString& w)
{
    return w == QLatin1String("nodes") || w == QLatin1String("node") || w == QLatin1String("machines")
           || w == QLatin1String("machine");
}

} // namespace

LegacyRewrite rewriteLegacyForms(const QStringList& input)
{
    LegacyRewrite r;
    QStringList args = input;

    // A global -n NAMESPACE / --namespace / -u USER before the command word: the user of the
    // command that follows (Headscale <= 0.22 took the namespace globally).
    QString globalUser;
    for (int i = 0; i + 1 < args.size(); ++i) {
        const QString& a = args[i];
        if (!a.startsWith(QLatin1Char('-')))
            break; // the command word: flags after it belong to the command
        if (a == QLatin1String("-n") || a == QLatin1String("--namespace") || a == QLatin1String("-u") || a == QLatin1String("--user")) {
            globalUser = args[i + 1];
            r.notes << QStringLiteral("'%1 %2' before the command is deprecated: give the command --user %2").arg(a, globalUser);
            args.remove(i, 2);
            break;
        }
        if (takesValue(a))
            ++i;
    }

    QList<int> w = words(args);
    if (w.isEmpty()) {
        r.args = args;
        return r;
    }
    const auto word = [&](int k) { return k < w.size() ? args[w[k]] : QString(); };
    const QString cmd = word(0);
    const QString verb = word(1);

    if (cmd == QLatin1String("namespaces") || cmd == QLatin1String("namespace") || cmd == QLatin1String("ns")) {
        r.notes << QStringLiteral("'%1' is deprecated: namespaces are users now (keel users ...)").arg(cmd);
        args[w[0]] = QStringLiteral("users");
    }

    if (cmd == QLatin1String("routes") || cmd == QLatin1String("route")) {
        if (verb == QLatin1String("list") || verb == QLatin1String("ls") || verb.isEmpty()) {
            r.notes << QStringLiteral("'%1 list' is deprecated: use keel nodes list-routes").arg(cmd);
            args[w[0]] = QStringLiteral("nodes");
            if (verb.isEmpty())
                args.insert(w[0] + 1, QStringLiteral("list-routes"));
            else
                args[w[1]] = QStringLiteral("list-routes");
        } else {
            r.refusal = QStringLiteral("'%1 %2' (by route ID) no longer exists: routes belong to nodes now. "
                                       "See them with 'keel nodes list-routes' and set a node's approved routes with "
                                       "'keel nodes approve-routes -i NODE_ID -r PREFIX[,PREFIX...]'")
                            .arg(cmd, verb);
        }
        r.args = args;
        return r;
    }

    if (isUsers(cmd) && (verb == QLatin1String("rename") || verb == QLatin1String("mv")) && w.size() == 4) {
        // users rename OLD NEW
        r.notes << QStringLiteral("'users rename OLD NEW' is deprecated: use keel users rename --name OLD --new-name NEW");
        const QString oldName = word(2), newName = word(3);
        args.remove(w[3]);
        args.remove(w[2]);
        args.insert(w[2], newName);
        args.insert(w[2], QStringLiteral("--new-name"));
        args.insert(w[2], oldName);
        args.insert(w[2], QStringLiteral("--name"));
    } else if (isUsers(cmd) && (verb == QLatin1String("destroy") || verb == QLatin1String("delete")) && w.size() == 3) {
        r.notes << QStringLiteral("'users destroy NAME' is deprecated: use keel users destroy --name NAME");
        args.insert(w[2], QStringLiteral("--name"));
    } else if (isNodes(cmd) && verb == QLatin1String("register") && w.size() == 3) {
        r.notes << QStringLiteral("'nodes register KEY' is deprecated: use keel nodes register --user USER --key KEY");
        args.insert(w[2], QStringLiteral("--key"));
    } else if (isNodes(cmd) && (verb == QLatin1String("list") || verb == QLatin1String("ls"))) {
        // Headscale's old -t/--tags switch added a tags column; keel's list always shows tags.
        for (int i = w[1] + 1; i < args.size(); ++i) {
            if (args[i] == QLatin1String("-t") || args[i] == QLatin1String("--tags")) {
                r.notes << QStringLiteral("'%1' on nodes list is deprecated: the list always shows tags").arg(args[i]);
                args.remove(i);
                break;
            }
        }
    }

    if (!globalUser.isEmpty()) {
        // Only commands that take a user: anything else would silently ignore it.
        const bool usersVerb = isUsers(args[w[0]]) && (verb == QLatin1String("list") || verb == QLatin1String("ls"));
        const bool takesUser = isNodes(cmd) || cmd.startsWith(QLatin1String("preauthkey")) || cmd == QLatin1String("authkey")
                               || cmd == QLatin1String("pre");
        if (usersVerb) {
            args << QStringLiteral("--name") << globalUser;
        } else if (takesUser) {
            args << QStringLiteral("--user") << globalUser;
        } else {
            r.refusal = QStringLiteral("a global -n/-u USER does not apply to '%1': give the command its own flags "
                                       "(see keel %1 --help)")
                            .arg(cmd);
        }
    }
    r.args = args;
    return r;
}

} // namespace keel::cli
