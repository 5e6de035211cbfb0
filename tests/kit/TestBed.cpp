#include "TestBed.h"

#include <QTest>

namespace keel::test {

TestBed::~TestBed()
{
    closeBed();
}

void TestBed::prepareBed(const QString& backend)
{
    closeBed();
    m_bedError.clear();
    m_clock = std::make_shared<MockClock>();
    Clock::install(m_clock);
    m_db = std::make_unique<TempDatabase>(backend);
}

bool TestBed::openBed()
{
    if (!m_db || !m_db->available()) {
        m_bedError = m_db ? m_db->reason() : QStringLiteral("prepareBed() was not called");
        return false;
    }
    QString error;
    m_store = store::Store::open(m_db->options(), &error);
    if (!m_store) {
        m_bedError = QStringLiteral("cannot open the test store: ") + error;
        return false;
    }
    m_config = config::Config();
    m_config.serverUrl = QStringLiteral("https://ctrl.example.com");
    m_config.prefixes.v4 = QStringLiteral("100.64.0.0/10");
    m_config.prefixes.v6 = QStringLiteral("fd7a:115c:a1e0::/48");
    m_config.dns.baseDomain = QStringLiteral("ts.example.com");
    store::User alice;
    alice.name = QStringLiteral("alice");
    const auto created = m_store->createUser(alice);
    if (!created) {
        m_bedError = QStringLiteral("cannot create user alice: ") + created.error().message;
        return false;
    }
    m_alice = created->id;
    return true;
}

void TestBed::closeBed()
{
    m_store.reset();
    m_db.reset();
    if (m_clock) {
        Clock::reset();
        m_clock.reset();
    }
}

QString TestBed::backendFromDataTag()
{
    const char* tag = QTest::currentDataTag();
    return tag && qstrcmp(tag, "postgres") == 0 ? QStringLiteral("postgres") : QStringLiteral("sqlite");
}

} // namespace keel::test
