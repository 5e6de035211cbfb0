// libFuzzer target for the whole Headscale database import (`keel migrate`/`keel import` of a
// database an operator got from elsewhere): a real Headscale schema (0.22, 0.25 or 0.29, from
// tests/backup/headscale-schemas) filled with fuzzed rows, read by HeadscaleImport, the document
// checked by Importer::validate and, for some inputs, written into a fresh Keel database.
//
// Input: the first byte picks the schema (bits 0-1) and whether to write (bit 2); then one row per
// line, "table|column=value|column=value...". A value of NULL is NULL, an integer is bound as an
// integer, anything else as text. Rows that the schema refuses are simply left out.
#include "FuzzApp.h"
#include "backup/HeadscaleImport.h"
#include "backup/Importer.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using namespace keel::store;

namespace {

const char* const kSchemas[] = {"headscale-0.22.3.sql", "headscale-0.25.1.sql", "headscale-0.29.2.sql"};

struct World
{
    QTemporaryDir dir;
    QString templates[3];
    QString keelTemplate;

    World()
    {
        for (int i = 0; i < 3; ++i) {
            templates[i] = dir.filePath(QStringLiteral("hs%1.sqlite").arg(i));
            QFile f(QStringLiteral(KEEL_HEADSCALE_SCHEMAS "/") + QLatin1String(kSchemas[i]));
            if (!f.open(QIODevice::ReadOnly))
                qFatal("cannot read %s", qPrintable(f.fileName()));
            const QString sql = QString::fromUtf8(f.readAll());
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("template"));
                db.setDatabaseName(templates[i]);
                if (!db.open())
                    qFatal("cannot create %s", qPrintable(templates[i]));
                for (const QString& line : sql.split(QLatin1Char('\n')))
                    if (!line.trimmed().isEmpty() && !line.startsWith(QLatin1String("--")))
                        QSqlQuery(db).exec(line);
                db.close();
            }
            QSqlDatabase::removeDatabase(QStringLiteral("template"));
        }
        // An empty, migrated Keel database to copy for each write.
        keelTemplate = dir.filePath(QStringLiteral("keel.sqlite"));
        DatabaseOptions o;
        o.sqlitePath = keelTemplate;
        QString error;
        if (!Store::open(o, &error))
            qFatal("store: %s", qPrintable(error));
    }
};

bool isName(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[a-z_]{1,40}$"));
    return re.match(s).hasMatch();
}

void fill(const QString& path, const QByteArray& rows)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fuzz"));
    db.setDatabaseName(path);
    if (db.open()) {
        static const QRegularExpression integer(QStringLiteral("^-?[0-9]{1,18}$"));
        for (const QByteArray& line : rows.split('\n')) {
            const QStringList parts = QString::fromUtf8(line).split(QLatin1Char('|'));
            if (parts.size() < 2 || !isName(parts[0]))
                continue;
            QStringList columns;
            QVariantList values;
            for (qsizetype i = 1; i < parts.size(); ++i) {
                const qsizetype eq = parts[i].indexOf(QLatin1Char('='));
                const QString column = parts[i].left(eq);
                if (eq < 0 || !isName(column) || columns.contains(column))
                    continue;
                const QString value = parts[i].mid(eq + 1);
                columns << column;
                if (value == QLatin1String("NULL"))
                    values << QVariant(QMetaType::fromType<QString>());
                else if (integer.match(value).hasMatch())
                    values << value.toLongLong();
                else
                    values << value;
            }
            if (columns.isEmpty())
                continue;
            QSqlQuery q(db);
            q.prepare(QStringLiteral("INSERT INTO \"%1\" (\"%2\") VALUES (%3)")
                          .arg(parts[0], columns.join(QStringLiteral("\",\"")), QStringList(columns.size(), QStringLiteral("?")).join(QLatin1Char(','))));
            for (const QVariant& v : values)
                q.addBindValue(v);
            q.exec();
        }
        db.close();
    }
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("fuzz"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)keel::fuzz::app("fuzz_headscale_import");
    const keel::fuzz::SettleOnReturn settleAtEnd;
    static World world;
    if (size < 1)
        return 0;
    const int schema = (data[0] & 3) % 3;
    const QString source = world.dir.filePath(QStringLiteral("source.sqlite"));
    QFile::remove(source);
    if (!QFile::copy(world.templates[schema], source))
        qFatal("copy");
    fill(source, QByteArray(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1)));
    DatabaseOptions from;
    from.sqlitePath = source;
    const auto read = HeadscaleImport::read(from);
    if (!read)
        return 0;
    if (!Importer::validate(read->document) || !(data[0] & 4))
        return 0;
    // Valid by the importer's own checks: it must also write, into an empty database.
    const QString target = world.dir.filePath(QStringLiteral("target.sqlite"));
    for (const char* suffix : {"", "-wal", "-shm"})
        QFile::remove(target + QLatin1String(suffix));
    if (!QFile::copy(world.keelTemplate, target))
        qFatal("copy");
    DatabaseOptions to;
    to.sqlitePath = target;
    QString error;
    std::unique_ptr<Store> store = Store::open(to, &error);
    if (!store)
        qFatal("store: %s", qPrintable(error));
    (void)Importer(*store).write(read->document);
    return 0;
}
