#include "HuJsonHighlighter.h"

#include <QApplication>
#include <QPalette>

namespace keel::gui {

HuJsonHighlighter::HuJsonHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
{
    // Colours that read on both light and dark palettes.
    const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
    m_key.setForeground(dark ? QColor(0x9c, 0xdc, 0xfe) : QColor(0x00, 0x45, 0x9e));
    m_string.setForeground(dark ? QColor(0xce, 0x91, 0x78) : QColor(0xa3, 0x15, 0x15));
    m_number.setForeground(dark ? QColor(0xb5, 0xce, 0xa8) : QColor(0x09, 0x86, 0x58));
    m_keyword.setForeground(dark ? QColor(0x56, 0x9c, 0xd6) : QColor(0x00, 0x00, 0xff));
    m_keyword.setFontWeight(QFont::Bold);
    m_comment.setForeground(dark ? QColor(0x6a, 0x99, 0x55) : QColor(0x6a, 0x73, 0x7d));
    m_comment.setFontItalic(true);
}

void HuJsonHighlighter::highlightBlock(const QString& text)
{
    int i = 0;
    const int n = int(text.size());
    setCurrentBlockState(0);
    if (previousBlockState() == 1) {   // inside a /* comment
        const int end = int(text.indexOf(QLatin1String("*/")));
        const int stop = end < 0 ? n : end + 2;
        setFormat(0, stop, m_comment);
        if (end < 0) {
            setCurrentBlockState(1);
            return;
        }
        i = stop;
    }
    while (i < n) {
        const QChar c = text[i];
        if (c == QLatin1Char('/') && i + 1 < n && text[i + 1] == QLatin1Char('/')) {
            setFormat(i, n - i, m_comment);
            return;
        }
        if (c == QLatin1Char('/') && i + 1 < n && text[i + 1] == QLatin1Char('*')) {
            const int end = int(text.indexOf(QLatin1String("*/"), i + 2));
            const int stop = end < 0 ? n : end + 2;
            setFormat(i, stop - i, m_comment);
            if (end < 0) {
                setCurrentBlockState(1);
                return;
            }
            i = stop;
            continue;
        }
        if (c == QLatin1Char('"')) {
            int j = i + 1;
            while (j < n && text[j] != QLatin1Char('"'))
                j += text[j] == QLatin1Char('\\') ? 2 : 1;
            j = qMin(j + 1, n);
            int k = j;
            while (k < n && text[k].isSpace())
                ++k;
            setFormat(i, j - i, k < n && text[k] == QLatin1Char(':') ? m_key : m_string);
            i = j;
            continue;
        }
        if (c.isDigit() || (c == QLatin1Char('-') && i + 1 < n && text[i + 1].isDigit())) {
            int j = i + 1;
            while (j < n && (text[j].isDigit() || text[j] == QLatin1Char('.') || text[j] == QLatin1Char('e') || text[j] == QLatin1Char('E')))
                ++j;
            setFormat(i, j - i, m_number);
            i = j;
            continue;
        }
        if (c.isLetter()) {
            int j = i;
            while (j < n && text[j].isLetter())
                ++j;
            const QStringView word = QStringView(text).mid(i, j - i);
            if (word == u"true" || word == u"false" || word == u"null")
                setFormat(i, j - i, m_keyword);
            i = j;
            continue;
        }
        ++i;
    }
}

} // namespace keel::gui
