#include "policy/PolicyParser.h"

#include "policy/HuJson.h"
#include "policy/SshDuration.h"
#include "policy/YamlPolicy.h"

#include <QJsonArray>

namespace keel::policy {

namespace {

// Go's encoding/json matches member names case-insensitively; so do we.
QJsonValue member(const QJsonObject& o, const QString& name)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key().compare(name, Qt::CaseInsensitive) == 0)
            return it.value();
    return QJsonValue(QJsonValue::Undefined);
}

bool hasMember(const QJsonObject& o, const QString& name) { return !member(o, name).isUndefined(); }

// A protocol may be written as a name or as its number ("6" or 6).
QString protoText(const QJsonValue& v) { return v.isDouble() ? QString::number(v.toInteger()) : v.toString(); }

QString q(const QString& s) { return QLatin1Char('"') + s + QLatin1Char('"'); }

bool isAsciiLetter(QChar c) { return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z')); }

} // namespace

QString PolicyParser::errorText() const
{
    if (m_errors.size() == 1)
        return m_errors.first();
    return QStringLiteral("multiple errors:\n\t") + m_errors.join(QStringLiteral("\n\t"));
}

std::optional<Policy> PolicyParser::parse(const QByteArray& hujson)
{
    m_errors.clear();
    m_fatal = false;
    if (hujson.trimmed().isEmpty())
        return Policy{};
    HuJson::Error e;
    const QJsonDocument doc = HuJson::parse(hujson, &e);
    if (doc.isNull()) {
        error(QStringLiteral("parsing HuJSON: ") + e.message);
        return std::nullopt;
    }
    return parse(doc.object());
}

std::optional<Policy> PolicyParser::parseYaml(const QByteArray& yaml)
{
    m_errors.clear();
    m_fatal = false;
    if (yaml.trimmed().isEmpty())
        return Policy{};
    QString e;
    const auto doc = YamlPolicy::toJson(yaml, &e);
    if (!doc) {
        error(QStringLiteral("parsing YAML: ") + e);
        return std::nullopt;
    }
    return parse(*doc);
}

std::optional<Policy> PolicyParser::parseFile(const QByteArray& content, const QString& fileName)
{
    if (fileName.isEmpty() && looksLikeYaml(content))
        return parseYaml(content);
    return YamlPolicy::isYamlPath(fileName) ? parseYaml(content) : parse(content);
}

bool PolicyParser::looksLikeYaml(const QByteArray& content)
{
    // A HuJSON policy is an object: its first character after blanks and comments is '{'. Text
    // that starts otherwise and reads as a YAML mapping is a YAML policy sent without its name.
    qsizetype i = 0;
    while (i < content.size()) {
        if (QChar::isSpace(uchar(content[i]))) {
            ++i;
        } else if (content.mid(i, 2) == "//") {
            i = content.indexOf('\n', i);
            i = i < 0 ? content.size() : i;
        } else if (content.mid(i, 2) == "/*") {
            i = content.indexOf("*/", i + 2);
            i = i < 0 ? content.size() : i + 2;
        } else {
            break;
        }
    }
    if (i >= content.size() || content[i] == '{')
        return false;
    QString error;
    const auto doc = YamlPolicy::toJson(content, &error);
    return doc.has_value();
}

std::optional<Policy> PolicyParser::parse(const QJsonObject& document)
{
    m_errors.clear();
    m_fatal = false;
    Policy p;
    p.empty = false;
    decode(document, p);
    if (!m_errors.isEmpty())
        return std::nullopt;
    upgradeLegacy(p);
    validate(p);
    checkUserReferences(p);
    if (!m_errors.isEmpty())
        return std::nullopt;
    return p;
}

void PolicyParser::checkKnownKeys(const QJsonObject& o, const QStringList& known, const QString& where, bool allowHash)
{
    // Names match fields case-insensitively (as Go's decoding does); two spellings of one field in
    // the same object ("acls" and "ACLs") are a duplicate, which Go's JSON v2 rejects.
    const QString in = where.isEmpty() ? QString() : QStringLiteral(" in ") + where;
    QList<int> seen(known.size(), 0);
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (allowHash && it.key().startsWith(QLatin1Char('#')))
            continue;
        int field = -1;
        for (int k = 0; k < known.size() && field < 0; ++k)
            if (it.key().compare(known[k], Qt::CaseInsensitive) == 0)
                field = k;
        if (field < 0)
            error(QStringLiteral("unknown field: %1%2").arg(q(it.key()), in));
        else if (++seen[field] == 2)
            error(QStringLiteral("duplicate field: %1 is given more than once (names match case-insensitively)%2").arg(q(known[field]), in));
    }
}

QList<Alias> PolicyParser::aliases(const QJsonValue& v, const QString& where)
{
    QList<Alias> out;
    if (v.isUndefined() || v.isNull())
        return out;
    if (!v.isArray()) {
        error(QStringLiteral("%1: expected an array of strings").arg(where));
        return out;
    }
    for (const QJsonValue& item : v.toArray()) {
        if (!item.isString()) {
            error(QStringLiteral("%1: expected a string, got %2").arg(where, QString::fromUtf8(QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact))));
            continue;
        }
        QString e;
        if (auto a = Alias::parse(item.toString(), &e))
            out.append(*a);
        else
            error(QStringLiteral("%1: %2").arg(where, e));
    }
    return out;
}

void PolicyParser::decode(const QJsonObject& doc, Policy& p)
{
    checkKnownKeys(doc, {QStringLiteral("groups"), QStringLiteral("hosts"), QStringLiteral("tagOwners"), QStringLiteral("acls"),
                         QStringLiteral("grants"), QStringLiteral("ssh"), QStringLiteral("nodeAttrs"), QStringLiteral("autoApprovers"),
                         QStringLiteral("tests"), QStringLiteral("sshTests"), QStringLiteral("randomizeClientPort")},
                   QString());
    if (!m_errors.isEmpty() || !checkShape(doc))
        return;

    const QJsonObject groups = member(doc, QStringLiteral("groups")).toObject();
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        if (!it.key().startsWith(QLatin1String("group:"))) {
            error(QStringLiteral("group must start with 'group:', got: %1").arg(q(it.key())));
            continue;
        }
        if (!it.value().isArray()) {
            error(QStringLiteral("group value must be an array of users: group %1 got %2").arg(q(it.key()), it.value().isString() ? QStringLiteral("string: ") + q(it.value().toString()) : QStringLiteral("non-array")));
            continue;
        }
        QStringList members;
        for (const QJsonValue& m : it.value().toArray())
            members.append(m.toString().trimmed());
        p.groups.insert(it.key(), members);
    }

    const QJsonObject hosts = member(doc, QStringLiteral("hosts")).toObject();
    for (auto it = hosts.begin(); it != hosts.end(); ++it) {
        const QString v = it.value().toString().trimmed();
        std::optional<IpPrefix> pre;
        if (const auto a = IpAddress::parse(v))
            pre = IpPrefix::host(*a);
        else
            pre = IpPrefix::parse(v);
        if (!pre || it.key().contains(QLatin1Char('@')) || it.key().contains(QLatin1Char(':'))) {
            error(QStringLiteral("hostname contains invalid IP address: hostname %1 address %2").arg(q(it.key()), q(v)));
            continue;
        }
        p.hosts.insert(it.key(), *pre);
    }

    const QJsonObject owners = member(doc, QStringLiteral("tagOwners")).toObject();
    for (auto it = owners.begin(); it != owners.end(); ++it) {
        if (!it.key().startsWith(QLatin1String("tag:"))) {
            error(QStringLiteral("tag must start with 'tag:', got: %1").arg(q(it.key())));
            continue;
        }
        if (it.key().size() < 5 || !isAsciiLetter(it.key().at(4)))
            error(QStringLiteral("tagOwners[%1]: tag names must start with a letter, after 'tag:'").arg(q(it.key())));
        p.tagOwners.insert(it.key(), aliases(it.value(), QStringLiteral("tagOwners[%1]").arg(q(it.key()))));
    }

    p.hasAcls = hasMember(doc, QStringLiteral("acls"));
    const QJsonArray acls = member(doc, QStringLiteral("acls")).toArray();
    for (int i = 0; i < acls.size(); ++i)
        decodeAcl(acls[i].toObject(), i, p);
    p.hasGrants = hasMember(doc, QStringLiteral("grants"));
    const QJsonArray grants = member(doc, QStringLiteral("grants")).toArray();
    for (int i = 0; i < grants.size(); ++i)
        decodeGrant(grants[i].toObject(), i, p);
    p.hasSsh = hasMember(doc, QStringLiteral("ssh"));
    const QJsonArray ssh = member(doc, QStringLiteral("ssh")).toArray();
    for (int i = 0; i < ssh.size(); ++i)
        decodeSsh(ssh[i].toObject(), i, p);
    const QJsonArray attrs = member(doc, QStringLiteral("nodeAttrs")).toArray();
    for (int i = 0; i < attrs.size(); ++i)
        decodeNodeAttr(attrs[i].toObject(), i, p);

    const QJsonObject approvers = member(doc, QStringLiteral("autoApprovers")).toObject();
    checkKnownKeys(approvers, {QStringLiteral("routes"), QStringLiteral("exitNode")}, QStringLiteral("autoApprovers"));
    const QJsonObject routes = member(approvers, QStringLiteral("routes")).toObject();
    for (auto it = routes.begin(); it != routes.end(); ++it) {
        const auto pre = IpPrefix::parse(it.key());
        if (!pre) {
            error(QStringLiteral("autoApprovers.routes: invalid prefix %1").arg(q(it.key())));
            continue;
        }
        p.autoApproveRoutes.append({*pre, aliases(it.value(), QStringLiteral("autoApprovers.routes[%1]").arg(q(it.key())))});
    }
    p.autoApproveExitNode = aliases(member(approvers, QStringLiteral("exitNode")), QStringLiteral("autoApprovers.exitNode"));

    for (const QJsonValue& t : member(doc, QStringLiteral("tests")).toArray()) {
        const QJsonObject o = t.toObject();
        checkKnownKeys(o, {QStringLiteral("src"), QStringLiteral("proto"), QStringLiteral("accept"), QStringLiteral("deny")}, QStringLiteral("tests"));
        AclTest test;
        test.src = member(o, QStringLiteral("src")).toString();
        test.proto = protoText(member(o, QStringLiteral("proto")));
        for (const QJsonValue& v : member(o, QStringLiteral("accept")).toArray())
            test.accept.append(v.toString());
        for (const QJsonValue& v : member(o, QStringLiteral("deny")).toArray())
            test.deny.append(v.toString());
        p.tests.append(test);
    }
    for (const QJsonValue& t : member(doc, QStringLiteral("sshTests")).toArray()) {
        const QJsonObject o = t.toObject();
        checkKnownKeys(o, {QStringLiteral("src"), QStringLiteral("dst"), QStringLiteral("accept"), QStringLiteral("deny"), QStringLiteral("check")}, QStringLiteral("sshTests"));
        SshTest test;
        test.src = member(o, QStringLiteral("src")).toString();
        for (const QJsonValue& v : member(o, QStringLiteral("dst")).toArray())
            test.dst.append(v.toString());
        for (const QJsonValue& v : member(o, QStringLiteral("accept")).toArray())
            test.accept.append(v.toString());
        for (const QJsonValue& v : member(o, QStringLiteral("deny")).toArray())
            test.deny.append(v.toString());
        for (const QJsonValue& v : member(o, QStringLiteral("check")).toArray())
            test.check.append(v.toString());
        p.sshTests.append(test);
    }
    p.randomizeClientPort = member(doc, QStringLiteral("randomizeClientPort")).toBool();
}

void PolicyParser::decodeAcl(const QJsonObject& o, int index, Policy& p)
{
    const QString where = QStringLiteral("acls[%1]").arg(index);
    checkKnownKeys(o, {QStringLiteral("action"), QStringLiteral("src"), QStringLiteral("dst"), QStringLiteral("proto"),
                       QStringLiteral("users"), QStringLiteral("ports")},
                   where, true);
    const QString action = member(o, QStringLiteral("action")).toString().trimmed();
    if (action != QLatin1String("accept")) {
        error(QStringLiteral("action=%1 is not supported: invalid ACL action").arg(q(action)));
        return;
    }
    AclRule rule;
    rule.src = aliases(member(o, QStringLiteral("src")), where + QStringLiteral(".src"));
    // Tailscale still reads the legacy names "users" (for src) and "ports" (for dst) (kb/1337,
    // ACL syntax); a rule written with them means what it says, it is not dropped.
    rule.src.append(aliases(member(o, QStringLiteral("users")), where + QStringLiteral(".users")));
    QJsonArray dstList = member(o, QStringLiteral("dst")).toArray();
    for (const QJsonValue& v : member(o, QStringLiteral("ports")).toArray())
        dstList.append(v);
    QString e;
    const auto proto = PortSpec::parseProtocol(protoText(member(o, QStringLiteral("proto"))), &e);
    if (!proto) {
        error(QStringLiteral("%1: %2").arg(where, e));
        return;
    }
    rule.protocols = *proto;
    for (const QJsonValue& v : std::as_const(dstList)) {
        const QString d = v.toString().trimmed();
        QString aliasText;
        QString portText;
        if (d.startsWith(QLatin1Char('['))) {
            const int close = d.indexOf(QLatin1Char(']'));
            const int colon = d.lastIndexOf(QLatin1Char(':'));
            if (close < 0 || colon < close) {
                error(QStringLiteral("dst=%1: hostport must contain a colon").arg(q(d)));
                continue;
            }
            // Brackets are the URI syntax for an IPv6 literal (RFC 3986), nothing else.
            const auto inside = IpAddress::parse(d.mid(1, close - 1));
            if (!inside || !inside->v6) {
                error(QStringLiteral("dst=%1: brackets may only enclose an IPv6 address").arg(q(d)));
                continue;
            }
            aliasText = d.mid(1, close - 1) + d.mid(close + 1, colon - close - 1);
            portText = d.mid(colon + 1);
        } else {
            const int colon = d.lastIndexOf(QLatin1Char(':'));
            if (colon < 0) {
                error(QStringLiteral("dst=%1: hostport must contain a colon").arg(q(d)));
                continue;
            }
            aliasText = d.left(colon);
            portText = d.mid(colon + 1);
        }
        if (aliasText.isEmpty() || portText.isEmpty()) {
            error(QStringLiteral("dst=%1: invalid hostport").arg(q(d)));
            continue;
        }
        QString pe;
        const auto ports = PortSpec::parsePorts(portText, &pe);
        if (!ports) {
            error(QStringLiteral("dst=%1: port range %2: %3").arg(q(aliasText), q(portText), pe));
            continue;
        }
        const auto alias = Alias::parse(aliasText, &pe);
        if (!alias) {
            error(QStringLiteral("dst=%1: %2").arg(q(aliasText), pe));
            continue;
        }
        if (!PortSpec::supportsPorts(rule.protocols) && !(ports->size() == 1 && ports->first().isAll())) {
            error(QStringLiteral("protocol does not support specific ports: %1, only \"*\" is allowed").arg(q(protoText(member(o, QStringLiteral("proto"))))));
            continue;
        }
        rule.dst.append({*alias, *ports});
    }
    p.acls.append(rule);
}

void PolicyParser::decodeGrant(const QJsonObject& o, int index, Policy& p)
{
    const QString where = QStringLiteral("grants[%1]").arg(index);
    // Only ACL entries may carry "#..." metadata keys (a Headscale web UI's); a grant is strict.
    checkKnownKeys(o, {QStringLiteral("src"), QStringLiteral("dst"), QStringLiteral("ip"), QStringLiteral("app"), QStringLiteral("via"), QStringLiteral("srcPosture")}, where);
    // srcPosture names postures from the top-level "postures" section, which Keel does not
    // support: any name is undefined, and Tailscale rejects an undefined posture. Ignoring it
    // would grant access without the posture check.
    for (const QJsonValue& v : member(o, QStringLiteral("srcPosture")).toArray())
        error(QStringLiteral("%1.srcPosture: posture %2 is not defined (device posture is not supported)").arg(where, q(v.toString())));
    Grant g;
    g.src = aliases(member(o, QStringLiteral("src")), where + QStringLiteral(".src"));
    g.dst = aliases(member(o, QStringLiteral("dst")), where + QStringLiteral(".dst"));
    for (const QJsonValue& v : member(o, QStringLiteral("via")).toArray())
        g.via.append(v.toString().trimmed());
    g.app = member(o, QStringLiteral("app")).toObject();
    for (const QJsonValue& v : member(o, QStringLiteral("ip")).toArray()) {
        const QString s = v.toString().trimmed();
        GrantIp ip;
        QString e;
        QString portText = s;
        if (s != QLatin1String("*")) {
            const QStringList parts = s.split(QLatin1Char(':'));
            if (parts.size() > 2) {
                error(QStringLiteral("%1: invalid ip %2").arg(where, q(s)));
                continue;
            }
            if (parts.size() == 2) {
                const auto proto = PortSpec::parseProtocol(parts[0], &e);
                if (!proto || proto->isEmpty()) {
                    error(QStringLiteral("%1: ip %2: %3").arg(where, q(s), e));
                    continue;
                }
                ip.protocols = *proto;
                portText = parts[1];
            }
        }
        const auto ports = PortSpec::parsePorts(portText, &e);
        if (!ports) {
            error(QStringLiteral("%1: ip %2: port range %3: %4").arg(where, q(s), q(portText), e));
            continue;
        }
        if (!PortSpec::supportsPorts(ip.protocols) && !(ports->size() == 1 && ports->first().isAll())) {
            error(QStringLiteral("protocol does not support specific ports: %1, only \"*\" is allowed").arg(q(s)));
            continue;
        }
        ip.ports = *ports;
        g.ip.append(ip);
    }
    if (g.ip.isEmpty() && g.app.isEmpty())
        error(QStringLiteral("%1: ip and app can not both be empty").arg(where));
    p.grants.append(g);
}

void PolicyParser::decodeSsh(const QJsonObject& o, int index, Policy& p)
{
    const QString where = QStringLiteral("ssh[%1]").arg(index);
    checkKnownKeys(o, {QStringLiteral("action"), QStringLiteral("src"), QStringLiteral("dst"), QStringLiteral("users"),
                       QStringLiteral("checkPeriod"), QStringLiteral("acceptEnv")},
                   where);
    SshRule r;
    r.action = member(o, QStringLiteral("action")).toString().trimmed();
    if (r.action.isEmpty())
        error(QStringLiteral("%1: action must be specified").arg(where));
    else if (r.action != QLatin1String("accept") && r.action != QLatin1String("check"))
        error(QStringLiteral("%1: %2 is not a valid action").arg(where, q(r.action)));
    r.src = aliases(member(o, QStringLiteral("src")), where + QStringLiteral(".src"));
    r.dst = aliases(member(o, QStringLiteral("dst")), where + QStringLiteral(".dst"));
    const QJsonArray users = member(o, QStringLiteral("users")).toArray();
    if (users.isEmpty())
        error(QStringLiteral("%1: users must be specified").arg(where));
    for (const QJsonValue& u : users) {
        const QString s = u.toString().trimmed();
        if (s.isEmpty() || s == QLatin1String("*")) {
            error(QStringLiteral("%1: user %2 is not valid").arg(where, q(s)));
            continue;
        }
        // `localpart:*@<domain>` is resolved per source user; any other `localpart:` spelling is
        // an ordinary (literal) user name, as Tailscale treats it. A glob domain is an error.
        if (s.startsWith(QLatin1String("localpart:*@")) && (s.size() == 12 || s.mid(12).contains(QLatin1Char('*')))) {
            error(QStringLiteral("%1: invalid localpart user %2, must be localpart:*@<domain>").arg(where, q(s)));
            continue;
        }
        r.users.append(s);
    }
    const QJsonValue cp = member(o, QStringLiteral("checkPeriod"));
    if (!cp.isUndefined() && !cp.isNull()) {
        // Parsed as written: Go's time.ParseDuration takes no surrounding spaces (spec C.1 trims
        // aliases, users and the action only).
        r.checkPeriod = cp.toString();
        if (r.action != QLatin1String("check"))
            error(QStringLiteral("%1: checkPeriod is only valid with action \"check\"").arg(where));
        else if (r.checkPeriod != QLatin1String("always")) {
            QString e;
            if (!SshDuration::validate(r.checkPeriod, &e))
                error(QStringLiteral("%1: checkPeriod %2: %3").arg(where, q(r.checkPeriod), e));
        }
    }
    for (const QJsonValue& v : member(o, QStringLiteral("acceptEnv")).toArray()) {
        if (v.toString().isEmpty())
            error(QStringLiteral("%1: acceptEnv values cannot be empty").arg(where));
        r.acceptEnv.append(v.toString());
    }
    p.ssh.append(r);
}

void PolicyParser::decodeNodeAttr(const QJsonObject& o, int index, Policy& p)
{
    const QString where = QStringLiteral("nodeAttrs[%1]").arg(index);
    checkKnownKeys(o, {QStringLiteral("target"), QStringLiteral("attr"), QStringLiteral("app"), QStringLiteral("ipPool")}, where);
    NodeAttr a;
    // Tailscale accepts ipPool (addresses for the targets come from these prefixes). Keel keeps
    // it in the model; the allocator does not use it yet, which the warning says.
    const QJsonValue pool = member(o, QStringLiteral("ipPool"));
    if (!pool.isUndefined() && !pool.isNull()) {
        for (const QJsonValue& v : pool.toArray()) {
            const auto pre = IpPrefix::parse(v.toString().trimmed(), false);
            if (!pre)
                error(QStringLiteral("%1.ipPool: invalid prefix %2").arg(where, q(v.toString())));
            else
                a.ipPool.append(*pre);
        }
        if (!pool.isArray())
            error(QStringLiteral("%1.ipPool: expected an array of prefixes").arg(where));
        p.warnings.append(QStringLiteral("%1.ipPool: accepted, but the IP allocator does not use address pools yet").arg(where));
    }
    a.target = aliases(member(o, QStringLiteral("target")), where + QStringLiteral(".target"));
    for (const QJsonValue& v : member(o, QStringLiteral("attr")).toArray())
        a.attrs.append(v.toString());
    a.app = member(o, QStringLiteral("app")).toObject();
    p.nodeAttrs.append(a);
}

void PolicyParser::checkReference(const Alias& a, const Policy& p, const QString& side)
{
    switch (a.kind) {
    case Alias::Kind::AutoAdmin:
    case Alias::Kind::AutoOwner:
        if (side != QLatin1String("target"))
            error(QStringLiteral("%1: %2 is only supported as a nodeAttrs target").arg(side, q(a.text)));
        break;
    case Alias::Kind::Group:
        if (!p.groups.contains(a.name))
            error(QStringLiteral("group not defined in policy: %1").arg(q(a.name)));
        break;
    case Alias::Kind::Tag:
        if (!p.tagOwners.contains(a.name)) {
            if (side == QLatin1String("src"))
                error(QStringLiteral("src=tag not found: %1").arg(q(a.name)));
            else
                error(QStringLiteral("%1=%2: tag not found: %2").arg(side, q(a.name)));
        }
        break;
    case Alias::Kind::Host:
        if (!p.hosts.contains(a.name))
            error(QStringLiteral("host not defined in policy: %1").arg(q(a.name)));
        break;
    default:
        break;
    }
}

} // namespace keel::policy
