#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QString>

namespace keel::policy {

// HuJSON ("human JSON", what Tailscale's policy files are written in): JSON plus // and /* */
// comments and trailing commas. We standardise it to plain JSON (comments and trailing commas
// become spaces, so byte offsets and therefore line:column positions are kept) and hand that to
// Qt's JSON parser.
class HuJson {
public:
    struct Error {
        QString message; // "line 3, column 7: ..." for display
        int line = 0;    // 1-based
        int column = 0;  // 1-based, in bytes
    };

    // Returns plain JSON, or an empty array and fills `error`.
    static QByteArray standardize(const QByteArray& input, Error* error);

    // Standardises and parses. The top level must be an object (a policy document).
    static QJsonDocument parse(const QByteArray& input, Error* error);

    // 1-based line and column of a byte offset.
    static void position(const QByteArray& input, qsizetype offset, int* line, int* column);
};

} // namespace keel::policy
