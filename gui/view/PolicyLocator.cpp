#include "PolicyLocator.h"

#include "policy/HuJson.h"
#include "policy/PolicyParser.h"

#include <QRegularExpression>

namespace keel::gui {

namespace {
void positionOf(const QString& text, qsizetype offset, PolicyProblem* p)
{
    p->line = int(QStringView(text).left(offset).count(QLatin1Char('\n'))) + 1;
    const qsizetype lineStart = text.lastIndexOf(QLatin1Char('\n'), offset - 1) + 1;
    p->column = int(offset - lineStart) + 1;
}
}

PolicyProblem PolicyLocator::locate(const QString& text, const QString& message)
{
    PolicyProblem p{message};
    static const QRegularExpression lineColumn(QStringLiteral("line (\\d+), column (\\d+)"));
    if (const auto m = lineColumn.match(message); m.hasMatch()) {
        p.line = m.captured(1).toInt();
        p.column = m.captured(2).toInt();
        return p;
    }
    // A quoted name ('group:x', "tag:y", `host`) found in the text.
    static const QRegularExpression quoted(QStringLiteral("['\"`]([^'\"`\\s]{2,})['\"`]"));
    auto it = quoted.globalMatch(message);
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        const qsizetype at = text.indexOf(QLatin1Char('"') + name + QLatin1Char('"'));
        if (at >= 0) {
            positionOf(text, at + 1, &p);
            return p;
        }
    }
    // A section path ("acls[2].dst", "tests[0]"): the section's key, then the n-th entry's brace.
    static const QRegularExpression section(QStringLiteral("\\b(acls|grants|ssh|tests|sshTests|groups|tagOwners|hosts|autoApprovers|nodeAttrs)(?:\\[(\\d+)\\])?"));
    if (const auto m = section.match(message); m.hasMatch()) {
        qsizetype at = text.indexOf(QLatin1Char('"') + m.captured(1) + QLatin1Char('"'));
        if (at >= 0 && m.hasCaptured(2)) {
            int want = m.captured(2).toInt();
            qsizetype brace = text.indexOf(QLatin1Char('['), at);
            // Counts top-level objects of the array (comments with braces are rare enough here).
            int depth = 0;
            for (qsizetype i = brace + 1; brace >= 0 && i < text.size(); ++i) {
                const QChar c = text[i];
                if (c == QLatin1Char('{') || c == QLatin1Char('[')) {
                    if (depth == 0 && c == QLatin1Char('{') && want-- == 0) {
                        at = i;
                        break;
                    }
                    ++depth;
                } else if (c == QLatin1Char('}') || c == QLatin1Char(']')) {
                    if (depth-- == 0)
                        break;
                }
            }
        }
        if (at >= 0)
            positionOf(text, at + (text[at] == QLatin1Char('"') ? 1 : 0), &p);
    }
    return p;
}

PolicyProblem PolicyLocator::check(const QString& text, const QStringList& users)
{
    if (text.trimmed().isEmpty())
        return {};
    const QByteArray bytes = text.toUtf8();
    policy::HuJson::Error syntax;
    if (policy::HuJson::parse(bytes, &syntax).isNull() || !syntax.message.isEmpty()) {
        PolicyProblem p{syntax.message, syntax.line, syntax.column};
        // The parser counts bytes; the editor counts characters.
        if (p.line > 0) {
            const QByteArray lineBytes = bytes.split('\n').value(p.line - 1);
            p.column = int(QString::fromUtf8(lineBytes.left(p.column - 1)).size()) + 1;
        }
        return p;
    }
    policy::PolicyParser parser;
    parser.setKnownUsers(users);
    if (parser.parse(bytes))
        return {};
    return locate(text, parser.errors().value(0, parser.errorText()));
}

} // namespace keel::gui
