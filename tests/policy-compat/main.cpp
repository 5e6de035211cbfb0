// keel-policy-compat: runs every case of a policy-compat corpus (cases captured from Tailscale's
// control plane) through Keel's policy engine and compares, node by node, the packet filter, SSH
// policy, peer set and capability map. Usage: keel-policy-compat DIR [--min-passed N]
#include "policy/PolicyApprovals.h"
#include "policy/PolicyCompiler.h"
#include "policy/PolicyParser.h"
#include "policy/PolicyTester.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTextStream>

#include <algorithm>

using namespace keel::policy;

namespace {

QTextStream out(stdout);

QString compact(const QJsonValue& v)
{
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

QJsonArray sortedStrings(const QJsonArray& a)
{
    QStringList l;
    for (const QJsonValue& v : a)
        l << (v.isString() ? v.toString() : compact(v));
    std::sort(l.begin(), l.end());
    return QJsonArray::fromStringList(l);
}

// One rule in a canonical form: the lists the client treats as sets are sorted.
QString canonicalRule(const QJsonObject& r)
{
    QJsonObject c;
    c.insert(QLatin1String("SrcIPs"), sortedStrings(r.value(QLatin1String("SrcIPs")).toArray()));
    QStringList dsts;
    for (const QJsonValue& d : r.value(QLatin1String("DstPorts")).toArray()) {
        const QJsonObject o = d.toObject();
        const QJsonObject p = o.value(QLatin1String("Ports")).toObject();
        dsts << QStringLiteral("%1:%2-%3").arg(o.value(QLatin1String("IP")).toString()).arg(p.value(QLatin1String("First")).toInt()).arg(p.value(QLatin1String("Last")).toInt());
    }
    std::sort(dsts.begin(), dsts.end());
    if (!dsts.isEmpty())
        c.insert(QLatin1String("DstPorts"), QJsonArray::fromStringList(dsts));
    QStringList protos;
    for (const QJsonValue& p : r.value(QLatin1String("IPProto")).toArray())
        protos << QString::number(p.toInt());
    std::sort(protos.begin(), protos.end());
    if (!protos.isEmpty())
        c.insert(QLatin1String("IPProto"), QJsonArray::fromStringList(protos));
    QStringList grants;
    for (const QJsonValue& g : r.value(QLatin1String("CapGrant")).toArray()) {
        const QJsonObject o = g.toObject();
        grants << compact(QJsonObject{{QLatin1String("Dsts"), sortedStrings(o.value(QLatin1String("Dsts")).toArray())},
                                      {QLatin1String("CapMap"), o.value(QLatin1String("CapMap"))}});
    }
    std::sort(grants.begin(), grants.end());
    if (!grants.isEmpty())
        c.insert(QLatin1String("CapGrant"), QJsonArray::fromStringList(grants));
    return compact(c);
}

QStringList canonicalRules(const QJsonArray& rules)
{
    QStringList l;
    for (const QJsonValue& r : rules)
        l << canonicalRule(r.toObject());
    std::sort(l.begin(), l.end());
    return l;
}

QStringList canonicalSsh(const QJsonObject& policy)
{
    QStringList l;
    for (const QJsonValue& v : policy.value(QLatin1String("rules")).toArray()) {
        QJsonObject r = v.toObject();
        r.insert(QLatin1String("principals"), sortedStrings(r.value(QLatin1String("principals")).toArray()));
        l << compact(r);
    }
    return l; // rule order matters (first match wins)
}

// Capabilities that describe tailnet state rather than the policy (admin/owner flags, display
// name, feature flags SaaS turns on for everyone): not something a policy engine produces.
bool isTailnetStateCap(const QString& k)
{
    static const QStringList names = {
        QStringLiteral("https://tailscale.com/cap/is-admin"), QStringLiteral("https://tailscale.com/cap/is-owner"),
        QStringLiteral("https://tailscale.com/cap/tailnet-lock"), QStringLiteral("service-host"),
        QStringLiteral("store-appc-routes"), QStringLiteral("https://tailscale.com/cap/warn-funnel-no-https"),
        QStringLiteral("tailnet-display-name"), QStringLiteral("max-key-duration"), QStringLiteral("native-ipv4"),
        QStringLiteral("probe-udp-lifetime"), QStringLiteral("ssh-behavior-v1"), QStringLiteral("ssh-env-vars"),
        QStringLiteral("default-auto-update"),
    };
    return names.contains(k) || k.startsWith(QLatin1String("https://tailscale.com/cap/funnel-ports?"));
}

QStringList canonicalCaps(const QJsonObject& caps)
{
    QStringList l;
    for (auto it = caps.begin(); it != caps.end(); ++it)
        if (!isTailnetStateCap(it.key()))
            l << it.key() + QLatin1Char('=') + compact(it.value());
    std::sort(l.begin(), l.end());
    return l;
}

QString diffLists(const QString& what, const QStringList& want, const QStringList& got)
{
    QStringList missing;
    QStringList extra;
    QStringList g = got;
    for (const QString& w : want) {
        if (g.contains(w))
            g.removeOne(w);
        else
            missing << w;
    }
    extra = g;
    QString s = what + QLatin1Char(':');
    for (const QString& m : missing)
        s += QStringLiteral("\n      - want ") + m.left(400);
    for (const QString& e : extra)
        s += QStringLiteral("\n      + got  ") + e.left(400);
    return s;
}

struct CaseResult {
    bool pass = true;
    QStringList diffs;
};

CaseResult runCase(const QJsonObject& c)
{
    CaseResult res;
    const QJsonObject input = c.value(QLatin1String("input")).toObject();
    const QJsonValue fp = input.value(QLatin1String("full_policy"));
    const QByteArray policyText = fp.isString() ? fp.toString().toUtf8() : QJsonDocument(fp.toObject()).toJson();
    const bool wantError = c.value(QLatin1String("error")).toBool() || input.value(QLatin1String("api_response_code")).toInt(200) != 200;
    Topology topo = Topology::fromJson(c.value(QLatin1String("topology")).toObject());
    // The topology carries no user roles; the captures do: a user-owned node's self CapMap has
    // is-admin / is-owner when its user holds that role (autogroup:admin / autogroup:owner).
    const QJsonObject allCaptures = c.value(QLatin1String("captures")).toObject();
    for (const TopologyNode& n : topo.nodes) {
        if (n.isTagged())
            continue;
        const QJsonObject caps = allCaptures.value(n.name).toObject().value(QLatin1String("self_cap_map")).toObject();
        for (TopologyUser& u : topo.users) {
            if (u.id != n.userId)
                continue;
            u.admin = u.admin || caps.contains(QLatin1String("https://tailscale.com/cap/is-admin"));
            u.owner = u.owner || caps.contains(QLatin1String("https://tailscale.com/cap/is-owner"));
        }
    }

    // The captures come from a tailnet owned by its first user: that user's email domain is the
    // tailnet's associated domain (what `user:*@d` and `localpart:*@d` may name).
    PolicyParser parser;
    if (!topo.users.isEmpty()) {
        const QString email = topo.users.first().email;
        if (email.contains(QLatin1Char('@')))
            parser.setTailnetDomains({email.mid(email.lastIndexOf(QLatin1Char('@')) + 1)});
    }
    parser.setUsers(topo.users); // ambiguous user references are load errors
    const auto policy = parser.parse(policyText);
    QStringList testProblems;
    if (policy) {
        PolicyCompiler tc(*policy, topo);
        testProblems = PolicyTester(*policy, topo, tc).run();
    }
    if (wantError) {
        if (policy && testProblems.isEmpty()) {
            res.pass = false;
            res.diffs << QStringLiteral("    policy accepted, but Tailscale rejected it");
        }
        return res;
    }
    if (!policy || !testProblems.isEmpty()) {
        res.pass = false;
        res.diffs << QStringLiteral("    policy rejected: ") + (policy ? testProblems.join(QStringLiteral("; ")) : parser.errorText()).left(400);
        return res;
    }
    // Compile against the tailnet as the server would hold it: advertised routes the policy's
    // autoApprovers cover are approved (the captured topology lists only manual approvals).
    const Topology approved = PolicyApprovals::withAutoApprovals(*policy, topo);
    PolicyCompiler compiler(*policy, approved);
    compiler.setServerUrl(QStringLiteral("https://unused"));
    const QJsonObject captures = c.value(QLatin1String("captures")).toObject();
    for (int i = 0; i < topo.nodes.size(); ++i) {
        const TopologyNode& node = approved.nodes[i];
        if (!captures.contains(node.name))
            continue;
        const QJsonObject want = captures.value(node.name).toObject();
        QStringList nodeDiffs;

        const QStringList wantRules = canonicalRules(want.value(QLatin1String("packet_filter_rules")).toArray());
        const QStringList gotRules = canonicalRules(toJson(compiler.filterFor(node)));
        if (wantRules != gotRules)
            nodeDiffs << diffLists(QStringLiteral("packet filter"), wantRules, gotRules);

        QStringList wantPeers;
        for (const QJsonValue& p : want.value(QLatin1String("peers")).toArray())
            wantPeers << p.toObject().value(QLatin1String("Hostname")).toString();
        QStringList gotPeers;
        for (int j : compiler.peersOf(i))
            gotPeers << approved.nodes[j].name;
        std::sort(wantPeers.begin(), wantPeers.end());
        std::sort(gotPeers.begin(), gotPeers.end());
        if (wantPeers != gotPeers)
            nodeDiffs << diffLists(QStringLiteral("peers"), wantPeers, gotPeers);

        const QStringList wantSsh = canonicalSsh(want.value(QLatin1String("ssh_policy")).toObject());
        const QStringList gotSsh = canonicalSsh(compiler.sshPolicyFor(node));
        if (wantSsh != gotSsh)
            nodeDiffs << diffLists(QStringLiteral("ssh rules"), wantSsh, gotSsh);

        if (want.contains(QLatin1String("whois_caps"))) {
            QStringList wantWhois;
            const QJsonObject ww = want.value(QLatin1String("whois_caps")).toObject();
            for (auto it = ww.begin(); it != ww.end(); ++it)
                for (const QString& cap : canonicalCaps(it.value().toObject()))
                    wantWhois << it.key() + QLatin1Char(' ') + cap;
            QStringList gotWhois;
            const QMap<QString, QJsonObject> gw = compiler.peerCapsFor(node);
            for (auto it = gw.begin(); it != gw.end(); ++it)
                for (const QString& cap : canonicalCaps(it.value()))
                    gotWhois << it.key() + QLatin1Char(' ') + cap;
            std::sort(wantWhois.begin(), wantWhois.end());
            std::sort(gotWhois.begin(), gotWhois.end());
            if (wantWhois != gotWhois)
                nodeDiffs << diffLists(QStringLiteral("whois caps"), wantWhois, gotWhois);
        }

        const QStringList wantCaps = canonicalCaps(want.value(QLatin1String("self_cap_map")).toObject());
        const QStringList gotCaps = canonicalCaps(compiler.capMapFor(node));
        if (wantCaps != gotCaps)
            nodeDiffs << diffLists(QStringLiteral("capabilities"), wantCaps, gotCaps);

        if (!nodeDiffs.isEmpty()) {
            res.pass = false;
            res.diffs << QStringLiteral("    node %1: %2").arg(node.name, nodeDiffs.join(QStringLiteral("\n    ")));
        }
    }
    return res;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    int minPassed = -1;
    bool quiet = false;
    const int mi = args.indexOf(QStringLiteral("--min-passed"));
    if (mi >= 0 && mi + 1 < args.size()) {
        minPassed = args[mi + 1].toInt();
        args.remove(mi, 2);
    }
    if (args.removeAll(QStringLiteral("--quiet")) > 0)
        quiet = true;
    if (args.size() != 1) {
        QTextStream(stderr) << "usage: keel-policy-compat CORPUS_DIR [--min-passed N] [--quiet]\n";
        return 2;
    }
    QStringList files;
    QDirIterator it(args.first(), {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    std::sort(files.begin(), files.end());
    if (files.isEmpty()) {
        QTextStream(stderr) << "no cases found in " << args.first() << "\n";
        return 2;
    }

    QMap<QString, QPair<int, int>> perCategory;
    QStringList failures;
    int passed = 0;
    int failed = 0;
    for (const QString& f : files) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject c = QJsonDocument::fromJson(file.readAll()).object();
        if (c.isEmpty())
            continue;
        const QString cat = c.value(QLatin1String("category")).toString();
        const CaseResult r = runCase(c);
        auto& counts = perCategory[cat];
        if (r.pass) {
            ++counts.first;
            ++passed;
        } else {
            ++counts.second;
            ++failed;
            QStringList shown = r.diffs.mid(0, 3);
            failures << QStringLiteral("FAIL %1 (%2)\n%3").arg(c.value(QLatin1String("test_id")).toString(), QFileInfo(f).fileName(), shown.join(QLatin1Char('\n')));
        }
    }
    if (!quiet)
        for (const QString& f : failures)
            out << f << "\n";
    for (auto c = perCategory.begin(); c != perCategory.end(); ++c)
        out << c.key() << ": " << c.value().first << " passed, " << c.value().second << " failed\n";
    out << passed << " passed, " << failed << " failed\n";
    out.flush();
    if (minPassed >= 0) {
        if (passed < minPassed) {
            out << "RATCHET: " << passed << " passed is below the committed baseline " << minPassed << "\n";
            return 1;
        }
        return 0;
    }
    return failed == 0 ? 0 : 1;
}
