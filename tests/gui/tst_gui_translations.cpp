// Both catalogues of translations/ cover every string of Keel Manager: no unfinished, empty or
// obsolete entry, and the .ts files list what lupdate finds (the build refreshes them).
#include <QDir>
#include <QFile>
#include <QTest>
#include <QXmlStreamReader>

class TestGuiTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void catalogueIsComplete_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(KEEL_TRANSLATIONS_DIR));
        for (const char* language : {"de", "zh_CN"})
            QTest::newRow(language) << dir.filePath(QStringLiteral("keel-manager_%1.ts").arg(QLatin1String(language)));
    }
    void catalogueIsComplete()
    {
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        QXmlStreamReader xml(&file);
        int messages = 0;
        QStringList unfinished;
        QString source;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("source")) {
                source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation")) {
                ++messages;
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                if (!type.isEmpty() || text.trimmed().isEmpty())
                    unfinished << QStringLiteral("%1 [%2]").arg(source, type.isEmpty() ? QStringLiteral("empty") : type);
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY2(messages > 150, qPrintable(QStringLiteral("only %1 messages: run the lupdate target").arg(messages)));
        QVERIFY2(unfinished.isEmpty(), qPrintable(QStringLiteral("%1 unfinished in %2:\n").arg(unfinished.size()).arg(path) + unfinished.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestGuiTranslations)
#include "tst_gui_translations.moc"
