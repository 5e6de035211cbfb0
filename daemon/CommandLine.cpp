#include "CommandLine.h"

#include <algorithm>

namespace keel::cli {

namespace {

int editDistance(const QString& a, const QString& b)
{
    QList<int> prev(b.size() + 1), cur(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (int j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// `keel nodes delete 7`: the word was most likely meant for the command's selector flag.
QString usageGuess(const Command& leaf, const QString& word)
{
    bool numeric = false;
    word.toLongLong(&numeric);
    for (const Flag& f : leaf.flags) {
        const bool selector = numeric ? f.shortName == QLatin1Char('i') : (f.name == QLatin1String("name") || f.name == QLatin1String("user"));
        if (selector && f.takesValue) {
            const QString shown = f.shortName.isNull() ? QStringLiteral("--") + f.name : QStringLiteral("-") + f.shortName;
            return QStringLiteral(" (did you mean %1 %2?)").arg(shown, word);
        }
    }
    return {};
}

} // namespace

QString closest(const QString& word, const QStringList& candidates)
{
    QString best;
    int bestDistance = 3;
    for (const QString& c : candidates) {
        const int d = editDistance(word, c);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

const Command* Command::child(const QString& name) const
{
    for (const Command& c : children) {
        if (c.names.contains(name))
            return &c;
    }
    return nullptr;
}

QString Invocation::value(const QString& flag) const
{
    if (values.contains(flag))
        return values.value(flag);
    for (auto it = path.crbegin(); it != path.crend(); ++it) {
        for (const Flag& f : (*it)->flags) {
            if (f.name == flag)
                return f.defaultValue;
        }
    }
    return {};
}

bool Invocation::isOn(const QString& flag) const
{
    const QString v = value(flag).toLower();
    return v == QLatin1String("true") || v == QLatin1String("1") || v == QLatin1String("yes");
}

QString Invocation::commandLine() const
{
    QStringList words;
    for (const Command* c : path)
        words.append(c->names.first());
    return words.join(QLatin1Char(' '));
}

const Flag* CommandLine::findFlag(const Invocation& inv, const QString& longName, QChar shortName) const
{
    // The deepest command first, so a subcommand's -i wins over anything global.
    for (auto it = inv.path.crbegin(); it != inv.path.crend(); ++it) {
        // Only the root's flags are global; an inner command's flags apply to itself.
        if (*it != inv.path.last() && *it != &m_root)
            continue;
        for (const Flag& f : (*it)->flags) {
            if ((!longName.isEmpty() && f.name == longName) || (!shortName.isNull() && f.shortName == shortName))
                return &f;
        }
    }
    return nullptr;
}

bool CommandLine::parse(const QStringList& args, Invocation* out, QString* error, bool* help) const
{
    // Filled in place, so after a usage error the caller still knows how far the words got
    // (to point at `keel users create --help` rather than `keel --help`).
    *out = Invocation();
    Invocation& inv = *out;
    inv.path.append(&m_root);
    *help = false;
    bool flagsDone = false;
    QStringList glued;   // "-dash" read as -d ash: named when a positional argument then lacks

    for (int i = 0; i < args.size(); ++i) {
        const QString& arg = args[i];
        if (!flagsDone && arg == QLatin1String("--")) {
            flagsDone = true;
            continue;
        }
        if (!flagsDone && arg.size() > 1 && arg.startsWith(QLatin1Char('-'))) {
            QString name;
            QChar shortName;
            QString inlineValue;
            bool hasInline = false;
            if (arg.startsWith(QLatin1String("--"))) {
                name = arg.mid(2);
                const int eq = name.indexOf(QLatin1Char('='));
                if (eq >= 0) {
                    inlineValue = name.mid(eq + 1);
                    name = name.left(eq);
                    hasInline = true;
                }
            } else {
                shortName = arg[1];
                if (arg.size() > 2) {
                    inlineValue = arg.mid(arg[2] == QLatin1Char('=') ? 3 : 2);
                    hasInline = true;
                }
            }
            if (name == QLatin1String("help") || shortName == QLatin1Char('h')) {
                *help = true;
                continue;
            }
            const Flag* flag = findFlag(inv, name, shortName);
            if (!flag) {
                QStringList known;
                for (const Command* c : {&m_root, inv.path.last()})
                    for (const Flag& f : c->flags)
                        known.append(f.name);
                const QString shown = name.isEmpty() ? QStringLiteral("-") + shortName : QStringLiteral("--") + name;
                const QString guess = name.isEmpty() ? QString() : closest(name, known);
                *error = QStringLiteral("unknown flag %1 for '%2'%3").arg(shown, inv.commandLine(),
                    guess.isEmpty() ? QString() : QStringLiteral(" (did you mean --%1?)").arg(guess));
                return false;
            }
            QString value;
            if (!flag->takesValue) {
                value = hasInline ? inlineValue : QStringLiteral("true");
                if (!QStringList{QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("1"), QStringLiteral("0")}.contains(value.toLower())) {
                    *error = QStringLiteral("--%1 is a switch: it takes no value (or =true/=false), got '%2'").arg(flag->name, value);
                    return false;
                }
            } else if (hasInline) {
                value = inlineValue;
                if (!shortName.isNull() && arg[2] != QLatin1Char('='))
                    glued.append(QStringLiteral("'%1' was read as -%2 %3 (--%4)").arg(arg, QString(shortName), inlineValue, flag->name));
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                *error = QStringLiteral("flag --%1 needs a value").arg(flag->name);
                return false;
            }
            if (flag->repeatable && inv.values.contains(flag->name))
                value = inv.values.value(flag->name) + QLatin1Char(',') + value;
            inv.values.insert(flag->name, value);
            continue;
        }
        // A word: a subcommand while we are at an inner node, else a positional argument.
        const Command* current = inv.path.last();
        if (inv.arguments.isEmpty() && !current->children.isEmpty()) {
            if (arg == QLatin1String("help") && current == &m_root) {
                *help = true;
                continue;
            }
            if (const Command* next = current->child(arg)) {
                inv.path.append(next);
                continue;
            }
            if (!current->run) {
                QStringList names;
                for (const Command& c : current->children)
                    names.append(c.names.first());
                const QString guess = closest(arg, names);
                *error = QStringLiteral("unknown command '%1' for '%2'%3").arg(arg, inv.commandLine(),
                    guess.isEmpty() ? QString() : QStringLiteral(" (did you mean '%1'?)").arg(guess));
                return false;
            }
        }
        inv.arguments.append(arg);
    }

    if (*help)
        return true;
    const Command& leaf = inv.command();
    if (!leaf.run) {
        *help = true;  // `keel users` alone shows what `users` can do
        return true;
    }
    if (inv.arguments.size() < leaf.minArgs || (leaf.maxArgs >= 0 && inv.arguments.size() > leaf.maxArgs)) {
        *error = leaf.maxArgs == 0
            ? QStringLiteral("'%1' takes no arguments, got '%2'").arg(inv.commandLine(), inv.arguments.join(QLatin1Char(' ')))
            : QStringLiteral("'%1' expects %2").arg(inv.commandLine(), leaf.arguments.isEmpty() ? QStringLiteral("no arguments") : leaf.arguments);
        if (leaf.maxArgs == 0 && inv.arguments.size() == 1)
            *error += usageGuess(leaf, inv.arguments.first());
        else if (inv.arguments.size() < leaf.minArgs && !glued.isEmpty())
            *error += QStringLiteral(": %1; %2 cannot start with '-'").arg(glued.join(QStringLiteral(", ")), leaf.arguments);
        return false;
    }
    for (const Flag& f : leaf.flags) {
        if (f.required && !inv.values.contains(f.name)) {
            *error = QStringLiteral("required flag --%1 not set for '%2'").arg(f.name, inv.commandLine());
            return false;
        }
    }
    return true;
}

QString CommandLine::helpText(const Invocation& inv) const
{
    const Command& cmd = inv.command();
    QString out;
    const QString summary = cmd.description.isEmpty() ? cmd.summary : cmd.description;
    if (!summary.isEmpty())
        out += summary + QStringLiteral("\n\n");
    out += QStringLiteral("Usage:\n  %1").arg(inv.commandLine());
    if (!cmd.children.isEmpty())
        out += QStringLiteral(" <command>");
    if (!cmd.arguments.isEmpty())
        out += QLatin1Char(' ') + cmd.arguments;
    out += QStringLiteral(" [flags]\n");
    if (cmd.names.size() > 1 && &cmd != &m_root)
        out += QStringLiteral("\nAliases:\n  %1\n").arg(cmd.names.join(QStringLiteral(", ")));
    if (!cmd.children.isEmpty()) {
        out += QStringLiteral("\nCommands:\n");
        for (const Command& c : cmd.children)
            out += QStringLiteral("  %1%2\n").arg(c.names.first().leftJustified(18), c.summary);
    }
    const auto flagLines = [](const QList<Flag>& flags) {
        QString lines;
        for (const Flag& f : flags) {
            QString left = f.shortName.isNull() ? QStringLiteral("    ") : QStringLiteral("-%1, ").arg(f.shortName);
            left += QStringLiteral("--") + f.name + (f.takesValue ? QStringLiteral(" string") : QString());
            QString help = f.help;
            if (!f.defaultValue.isEmpty())
                help += QStringLiteral(" (default \"%1\")").arg(f.defaultValue);
            if (f.required)
                help += QStringLiteral(" (required)");
            lines += QStringLiteral("  %1%2\n").arg(left.leftJustified(28), help);
        }
        return lines;
    };
    if (&cmd != &m_root && !cmd.flags.isEmpty())
        out += QStringLiteral("\nFlags:\n") + flagLines(cmd.flags);
    out += QStringLiteral("\nGlobal flags:\n") + flagLines(m_root.flags);
    out += QStringLiteral("  -h, --help                  help for this command\n");
    if (!cmd.children.isEmpty())
        out += QStringLiteral("\nUse \"%1 <command> --help\" for more about a command.\n").arg(inv.commandLine());
    return out;
}

} // namespace keel::cli
