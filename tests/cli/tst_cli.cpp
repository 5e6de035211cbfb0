#include "CommandLine.h"
#include "LegacyForms.h"
#include "Output.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace keel::cli;

namespace {

// A tree shaped like keel's: global -c/-o/--force; users create|list; a switch and a required flag.
Command tree(QString* ran)
{
    Command create{{QStringLiteral("create"), QStringLiteral("c"), QStringLiteral("new")}, QStringLiteral("Creates"), QStringLiteral("NAME"), 1, 1,
                   {{QStringLiteral("email"), QLatin1Char('e'), QStringLiteral("email")},
                    {QStringLiteral("reusable"), {}, QStringLiteral("switch"), false},
                    {QStringLiteral("route"), QLatin1Char('r'), QStringLiteral("repeatable"), true, {}, false, true}},
                   [ran](Invocation& inv) { *ran = QStringLiteral("create ") + inv.arguments.join(QLatin1Char(',')); return 0; }, {}, {}};
    Command list{{QStringLiteral("list"), QStringLiteral("ls")}, QStringLiteral("Lists"), {}, 0, 0,
                 {{QStringLiteral("identifier"), QLatin1Char('i'), QStringLiteral("id"), true, {}, true}},
                 [ran](Invocation&) { *ran = QStringLiteral("list"); return 0; }, {}, {}};
    Command users{{QStringLiteral("users"), QStringLiteral("user")}, QStringLiteral("Users"), {}, 0, 0, {}, {}, {create, list}, {}};
    return Command{{QStringLiteral("keel")}, QStringLiteral("Keel"), {}, 0, 0,
                   {{QStringLiteral("config"), QLatin1Char('c'), QStringLiteral("config file")},
                    {QStringLiteral("output"), QLatin1Char('o'), QStringLiteral("format")},
                    {QStringLiteral("force"), {}, QStringLiteral("no prompts"), false}},
                   {}, {users}, {}};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("globals first") << QStringList{"-c", "f.yaml", "users", "create", "alice"} << "keel users create" << "f.yaml" << QStringList{"alice"};
        QTest::newRow("globals last") << QStringList{"users", "create", "alice", "-c", "f.yaml"} << "keel users create" << "f.yaml" << QStringList{"alice"};
        QTest::newRow("between") << QStringList{"users", "--config=f.yaml", "create", "alice"} << "keel users create" << "f.yaml" << QStringList{"alice"};
        QTest::newRow("aliases") << QStringList{"user", "new", "alice"} << "keel users create" << "" << QStringList{"alice"};
        QTest::newRow("short inline") << QStringList{"users", "list", "-i7"} << "keel users list" << "" << QStringList{};
        QTest::newRow("double dash") << QStringList{"users", "create", "--", "-weird"} << "keel users create" << "" << QStringList{"-weird"};
    }

    void parses()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, command);
        QFETCH(QString, config);
        QFETCH(QStringList, arguments);
        QString ran;
        const CommandLine cl(tree(&ran));
        Invocation inv;
        QString error;
        bool help = false;
        QVERIFY2(cl.parse(args, &inv, &error, &help), qPrintable(error));
        QVERIFY(!help);
        QCOMPARE(inv.commandLine(), command);
        QCOMPARE(inv.value(QStringLiteral("config")), config);
        QCOMPARE(inv.arguments, arguments);
        QCOMPARE(inv.command().run(inv), 0);
        QVERIFY(!ran.isEmpty());
    }

    void switchesTakeNoSeparateValue()
    {
        QString ran;
        const CommandLine cl(tree(&ran));
        Invocation inv;
        QString error;
        bool help = false;
        QVERIFY(cl.parse({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--reusable"), QStringLiteral("bob")}, &inv, &error, &help));
        QVERIFY(inv.isOn(QStringLiteral("reusable")));
        QCOMPARE(inv.arguments, QStringList{QStringLiteral("bob")});
        QVERIFY(cl.parse({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--reusable=false"), QStringLiteral("bob")}, &inv, &error, &help));
        QVERIFY(!inv.isOn(QStringLiteral("reusable")));
        QVERIFY(!cl.parse({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--reusable=maybe"), QStringLiteral("bob")}, &inv, &error, &help));
        QVERIFY(error.contains(QStringLiteral("switch")));
    }

    void repeatedFlags()
    {
        // A repeatable flag keeps every value (cobra's StringSlice: `-r A -r B` == `-r A,B`); any
        // other flag given twice keeps the last.
        QString ran;
        const CommandLine cl(tree(&ran));
        Invocation inv;
        QString error;
        bool help = false;
        QVERIFY2(cl.parse({"users", "create", "-r", "10.0.0.0/8", "--route=192.168.0.0/16,fd00::/8", "-e", "a@x", "-e", "b@x", "bob"},
                          &inv, &error, &help),
                 qPrintable(error));
        QCOMPARE(inv.value(QStringLiteral("route")), QStringLiteral("10.0.0.0/8,192.168.0.0/16,fd00::/8"));
        QCOMPARE(inv.value(QStringLiteral("email")), QStringLiteral("b@x"));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown command") << QStringList{"usres"} << "did you mean 'users'";
        QTest::newRow("unknown subcommand") << QStringList{"users", "lst"} << "did you mean 'list'";
        QTest::newRow("unknown flag") << QStringList{"users", "create", "x", "--emial", "a"} << "did you mean --email";
        QTest::newRow("subcommand flag at the wrong level") << QStringList{"--email", "a", "users", "create", "x"} << "unknown flag --email";
        QTest::newRow("missing value") << QStringList{"users", "create", "x", "-e"} << "needs a value";
        QTest::newRow("too many args") << QStringList{"users", "create", "a", "b"} << "expects NAME";
        QTest::newRow("too few args") << QStringList{"users", "create"} << "expects NAME";
        QTest::newRow("required") << QStringList{"users", "list"} << "required flag --identifier";
        QTest::newRow("args to a no-arg command") << QStringList{"users", "list", "-i", "1", "extra"} << "takes no arguments";
        QTest::newRow("an id where -i was meant") << QStringList{"users", "list", "99999"} << "takes no arguments, got '99999' (did you mean -i 99999?)";
        QTest::newRow("a name starting with a dash") << QStringList{"users", "create", "-eash"}
                                                     << "'-eash' was read as -e ash (--email); NAME cannot start with '-'";
    }

    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QString ran;
        const CommandLine cl(tree(&ran));
        Invocation inv;
        QString error;
        bool help = false;
        QVERIFY(!cl.parse(args, &inv, &error, &help));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(ran.isEmpty());
    }

    void aUsageErrorKeepsTheCommandsRecognised()
    {
        // So the error can point at `keel users create --help`, not just `keel --help`.
        QString ran;
        const CommandLine cl(tree(&ran));
        Invocation inv;
        QString error;
        bool help = false;
        QVERIFY(!cl.parse({QStringLiteral("users"), QStringLiteral("create")}, &inv, &error, &help));
        QCOMPARE(inv.commandLine(), QStringLiteral("keel users create"));
        QVERIFY(!cl.parse({QStringLiteral("users"), QStringLiteral("lst")}, &inv, &error, &help));
        QCOMPARE(inv.commandLine(), QStringLiteral("keel users"));
    }

    void helpEverywhere()
    {
        QString ran;
        const CommandLine cl(tree(&ran));
        Invocation inv;
        QString error;
        bool help = false;
        QVERIFY(cl.parse({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("--help")}, &inv, &error, &help));
        QVERIFY(help);
        const QString text = cl.helpText(inv);
        QVERIFY(text.contains(QStringLiteral("keel users create NAME [flags]")));
        QVERIFY(text.contains(QStringLiteral("--email")));
        QVERIFY(text.contains(QStringLiteral("--config")));
        QVERIFY(text.contains(QStringLiteral("Aliases:")));
        // An inner command alone shows its help (no error).
        QVERIFY(cl.parse({QStringLiteral("users")}, &inv, &error, &help));
        QVERIFY(help);
        QVERIFY(cl.helpText(inv).contains(QStringLiteral("Commands:")));
    }

    void yaml_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("scalars") << QJsonValue(QJsonObject{{"a", 1}, {"b", true}, {"c", QJsonValue::Null}, {"d", "plain"}})
                                 << "a: 1\nb: true\nc: null\nd: plain";
        QTest::newRow("quoted when YAML would misread") << QJsonValue(QJsonObject{{"id", "1"}, {"t", "true"}, {"s", "a: b"}, {"e", ""}})
                                                        << "e: \"\"\nid: \"1\"\ns: \"a: b\"\nt: \"true\"";
        QTest::newRow("nested") << QJsonValue(QJsonArray{QJsonObject{{"n", "x"}, {"tags", QJsonArray{"tag:a"}}, {"u", QJsonObject{{"id", "2"}}}}})
                                << "- n: x\n  tags:\n    - \"tag:a\"\n  u:\n    id: \"2\"";
        QTest::newRow("empty containers") << QJsonValue(QJsonObject{{"l", QJsonArray{}}, {"o", QJsonObject{}}}) << "l: []\no: {}";
    }

    void yaml()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        QCOMPARE(toYaml(value), expected);
    }

    void jsonFormats()
    {
        const QJsonArray users{QJsonObject{{"id", "1"}, {"name", "alice"}}};
        QCOMPARE(toJson(users, false), QStringLiteral("[{\"id\":\"1\",\"name\":\"alice\"}]"));
        QVERIFY(toJson(users, true).contains(QLatin1Char('\n')));
        QCOMPARE(toJson(QJsonValue(QStringLiteral("a\"b")), false), QStringLiteral("\"a\\\"b\""));
        Format f;
        QString error;
        QVERIFY(parseFormat(QStringLiteral("json-line"), &f, &error) && f == Format::JsonLine);
        QVERIFY(!parseFormat(QStringLiteral("xml"), &f, &error));
        QVERIFY(error.contains(QStringLiteral("xml")));
    }

    void tables()
    {
        const QString t = table({QStringLiteral("ID"), QStringLiteral("Name")}, {{QStringLiteral("1"), QStringLiteral("alice")}, {QStringLiteral("10"), QStringLiteral("bo")}});
        QCOMPARE(t, QStringLiteral("ID | Name\n1  | alice\n10 | bo"));
        QCOMPARE(humanTime(QJsonValue(QStringLiteral("2026-01-02T03:04:05Z"))), QStringLiteral("2026-01-02 03:04:05"));
        QCOMPARE(humanTime(QJsonValue(QStringLiteral("0001-01-01T00:00:00Z"))), QString());
        QCOMPARE(humanTime(QJsonValue()), QString());
    }

    // The forms of the older Headscale guides (seeds 002 and 003) and what they become.
    void legacyForms_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("want");
        QTest::addColumn<bool>("noted");
        QTest::newRow("ns ls") << QStringList{"ns", "ls"} << QStringList{"users", "ls"} << true;
        QTest::newRow("namespace create") << QStringList{"namespace", "create", "first"} << QStringList{"users", "create", "first"} << true;
        QTest::newRow("-n node ls") << QStringList{"-n", "guest", "node", "ls"} << QStringList{"node", "ls", "--user", "guest"} << true;
        QTest::newRow("-n node ls -t") << QStringList{"-n", "guest", "node", "ls", "-t"} << QStringList{"node", "ls", "--user", "guest"} << true;
        QTest::newRow("-n node register KEY") << QStringList{"-n", "first", "node", "register", "MKEY"}
                                              << QStringList{"node", "register", "--key", "MKEY", "--user", "first"} << true;
        QTest::newRow("-n preauthkey create") << QStringList{"-n", "first", "preauthkey", "create", "--reusable", "--expiration", "24h"}
                                              << QStringList{"preauthkey", "create", "--reusable", "--expiration", "24h", "--user", "first"} << true;
        QTest::newRow("-u nodes register --key") << QStringList{"-u", "alice", "nodes", "register", "--key", "K"}
                                                 << QStringList{"nodes", "register", "--key", "K", "--user", "alice"} << true;
        QTest::newRow("users rename OLD NEW") << QStringList{"users", "rename", "old", "new"}
                                              << QStringList{"users", "rename", "--name", "old", "--new-name", "new"} << true;
        QTest::newRow("users destroy NAME") << QStringList{"users", "destroy", "bob"} << QStringList{"users", "destroy", "--name", "bob"} << true;
        QTest::newRow("routes list") << QStringList{"routes", "list"} << QStringList{"nodes", "list-routes"} << true;
        QTest::newRow("-c stays") << QStringList{"-c", "x.yaml", "ns", "ls"} << QStringList{"-c", "x.yaml", "users", "ls"} << true;
        // Today's forms pass unchanged and silently.
        QTest::newRow("current rename") << QStringList{"users", "rename", "-n", "a", "-r", "b"} << QStringList{"users", "rename", "-n", "a", "-r", "b"} << false;
        QTest::newRow("current list -n") << QStringList{"users", "list", "-n", "a"} << QStringList{"users", "list", "-n", "a"} << false;
        QTest::newRow("current register") << QStringList{"nodes", "register", "--user", "u", "--key", "k"}
                                          << QStringList{"nodes", "register", "--user", "u", "--key", "k"} << false;
    }

    void legacyForms()
    {
        QFETCH(QStringList, args);
        QFETCH(QStringList, want);
        QFETCH(bool, noted);
        const LegacyRewrite r = rewriteLegacyForms(args);
        QCOMPARE(r.refusal, QString());
        QCOMPARE(r.args, want);
        QCOMPARE(!r.notes.isEmpty(), noted);
    }

    void legacyFormsWithoutAMappingAreRefused()
    {
        const LegacyRewrite enable = rewriteLegacyForms({"routes", "enable", "-r", "3"});
        QVERIFY(enable.refusal.contains("keel nodes approve-routes -i NODE_ID -r"));
        const LegacyRewrite global = rewriteLegacyForms({"-n", "x", "apikeys", "list"});
        QVERIFY(global.refusal.contains("keel apikeys --help"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
