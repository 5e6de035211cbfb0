#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace keel::gui {

// Colours a HuJSON policy: strings, keys, numbers, true/false/null, and // and /* */ comments
// (a block comment may span lines: the block state carries it over).
class HuJsonHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    explicit HuJsonHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    QTextCharFormat m_key, m_string, m_number, m_keyword, m_comment;
};

} // namespace keel::gui
