#pragma once

#include "common/MockClock.h"
#include "config/Config.h"
#include "store/Store.h"
#include "TempDatabase.h"

#include <QString>

#include <memory>

namespace keel::test {

// The setup the state and control suites share: a MockClock installed, a fresh temporary database,
// a Store open on it, a Config with the default prefixes, a server URL and a MagicDNS base domain,
// and one user, "alice". A suite inherits it next to QObject and opens it in init():
//
//     class TestX : public QObject, protected test::TestBed { ... init() { KEEL_OPEN_TEST_BED("sqlite"); } };
//
// The members keep the names the suites used before (m_clock, m_db, m_store, m_config, m_alice), so
// a test reads the same with or without the bed. closeBed() in cleanup(), after the suite dropped
// whatever uses the store (State, ControlService).
class TestBed
{
protected:
    TestBed() = default;
    ~TestBed();
    TestBed(const TestBed&) = delete;
    TestBed& operator=(const TestBed&) = delete;

    // First half of KEEL_OPEN_TEST_BED: the clock and the database ("sqlite" or "postgres").
    void prepareBed(const QString& backend);
    // Second half, once the database is known to be available: the store, the config, the user.
    // False with bedError() when something failed.
    bool openBed();
    const QString& bedError() const { return m_bedError; }
    // Drops the store and the database and puts the system clock back.
    void closeBed();

    // The backend named by the current QTest data tag ("postgres"), else "sqlite".
    static QString backendFromDataTag();

    std::shared_ptr<MockClock> m_clock;
    std::unique_ptr<TempDatabase> m_db;
    std::unique_ptr<store::Store> m_store;
    config::Config m_config;
    qint64 m_alice = 0;

private:
    QString m_bedError;
};

} // namespace keel::test

// Opens the bed in a QTest init(): skips (or fails, when the backend is required) without the
// database, fails when the store or the user cannot be made.
#define KEEL_OPEN_TEST_BED(backend)                                                                   \
    do {                                                                                              \
        prepareBed(backend);                                                                          \
        KEEL_REQUIRE_DATABASE(*m_db);                                                                 \
        QVERIFY2(openBed(), qPrintable(bedError()));                                                  \
    } while (false)
