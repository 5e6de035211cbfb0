#pragma once

#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace keel::cli {

struct Invocation;

struct Flag
{
    QString name;          // long name, without "--"
    QChar shortName;       // 0 when none
    QString help;
    bool takesValue = true;
    QString defaultValue;  // shown in help; returned by value() when the flag is absent
    bool required = false;
    bool repeatable = false; // given again, the values are joined with ',' (cobra's StringSlice)
};

// A node of the command tree (`keel users create`). Leaves have `run`; inner nodes have children.
struct Command
{
    QStringList names;     // canonical name first, then aliases (Headscale's)
    QString summary;
    QString arguments;     // usage text for positional arguments, e.g. "NAME"
    int minArgs = 0;
    int maxArgs = 0;       // -1: any number
    QList<Flag> flags;
    std::function<int(Invocation&)> run;
    QList<Command> children;
    QString description;   // longer help text, optional

    const Command* child(const QString& name) const;
};

// What the parser understood: the command path, its positional arguments and flags.
struct Invocation
{
    QList<const Command*> path;  // root ... leaf
    QStringList arguments;
    QMap<QString, QString> values;   // long flag name -> value ("true" for switches)

    const Command& command() const { return *path.last(); }
    bool has(const QString& flag) const { return values.contains(flag); }
    QString value(const QString& flag) const;
    bool isOn(const QString& flag) const;
    QString commandLine() const;     // "keel users create"
};

// Parses argv against the tree. Global flags (declared on the root) are accepted anywhere, before
// or after the subcommand, as Headscale's cobra CLI does: `keel -c FILE serve` == `keel serve -c FILE`.
class CommandLine
{
public:
    explicit CommandLine(Command root) : m_root(std::move(root)) {}

    // Returns false with a message on a usage error (`out` then holds the commands recognised so
    // far). `help` is set when -h/--help or `help` asked.
    bool parse(const QStringList& args, Invocation* out, QString* error, bool* help) const;
    QString helpText(const Invocation& invocation) const;
    const Command& root() const { return m_root; }

private:
    const Flag* findFlag(const Invocation& inv, const QString& longName, QChar shortName) const;

    Command m_root;
};

// "did you mean" for a mistyped word (Damerau-free edit distance <= 2).
QString closest(const QString& word, const QStringList& candidates);

} // namespace keel::cli
