// Interactive-registration spam (issue 16, item 5): what one pending entry may keep, how many one
// address may hold, and that a held follow-up is answered when its entry is evicted.
#include "StateControlHarness.h"

#include "machine/Registration.h"

using namespace keel;
using keel::test::fakeKey;
using keel::test::registerRequest;

class TestRegistrationLimits : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<store::Store> m_store;
    config::Config m_config;
    std::unique_ptr<state::State> m_state;
    std::unique_ptr<control::Registration> m_registration;

    struct Answer
    {
        bool done = false;
        int status = 0;
        QJsonObject body;
    };

    std::shared_ptr<Answer> send(int machine, const QJsonObject& request, const QHostAddress& peer)
    {
        auto answer = std::make_shared<Answer>();
        m_registration->handle(fakeKey("mkey:", machine), QJsonDocument(request).toJson(QJsonDocument::Compact),
                               [answer](int status, const QJsonObject& body) {
                                   answer->done = true;
                                   answer->status = status;
                                   answer->body = body;
                               },
                               peer);
        return answer;
    }
    QString pend(int machine, const QHostAddress& peer)
    {
        const auto a = send(machine, registerRequest(machine, QString(), QStringLiteral("n%1").arg(machine)), peer);
        return a->done ? a->body.value(QStringLiteral("AuthURL")).toString() : QString();
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TempDatabase>("sqlite");
        QString error;
        m_store = store::Store::open(m_db->options(), &error);
        QVERIFY2(m_store, qPrintable(error));
        m_config = config::Config();
        m_config.serverUrl = "https://ctrl.example.com";
        m_config.prefixes.v4 = "100.64.0.0/10";
        m_config.tuning.registerCacheMaxEntries = 64; // 8 per address
        store::User u;
        u.name = "alice";
        QVERIFY(m_store->createUser(u));
        m_state = state::State::load(*m_store, m_config, &error);
        QVERIFY2(m_state, qPrintable(error));
        m_registration = std::make_unique<control::Registration>(*m_state, m_config.serverUrl);
    }
    void cleanup()
    {
        m_registration.reset();
        m_state.reset();
        m_store.reset();
        m_db.reset();
    }

    // The probe kept 1.9 MiB per entry with a 900 KB Hostinfo, for 15 minutes, with no connection.
    void hugeHostinfoIsNotKept()
    {
        QJsonObject r = registerRequest(1, QString(), "big");
        QJsonObject hostinfo = r["Hostinfo"].toObject();
        hostinfo.insert("Padding", QString(900'000, QLatin1Char('x')));
        r.insert("Hostinfo", hostinfo);
        const auto a = send(1, r, QHostAddress(QStringLiteral("192.0.2.1")));
        QVERIFY(a->done);
        QVERIFY2(a->body.value("Error").toString().contains("too large"), qPrintable(a->body.value("Error").toString()));
        QCOMPARE(m_registration->pendingCount(), 0);
    }

    // One address floods; another address's entry survives and can still be approved.
    void oneAddressEvictsOnlyItsOwnEntries()
    {
        const QHostAddress user(QStringLiteral("192.0.2.7"));
        const QString url = pend(1, user);
        QVERIFY(!url.isEmpty());
        const QHostAddress spammer(QStringLiteral("198.51.100.9"));
        for (int i = 0; i < 1000; ++i)
            QVERIFY(!pend(100 + i, spammer).isEmpty());
        QCOMPARE(m_registration->pendingCount(), 1 + control::Registration::maxPendingPerAddress(64));
        const QString id = control::Registration::authIdFromUrl(url);
        QVERIFY(m_registration->isPending(id));
        QVERIFY(m_registration->approve(id, "alice"));
    }

    // At the global cap the oldest entry goes, and its held follow-up gets an answer.
    void evictedWaiterIsAnswered()
    {
        const QString url = pend(1, QHostAddress(QStringLiteral("192.0.2.1")));
        QJsonObject follow = registerRequest(1, QString(), "n1");
        follow.insert("Followup", url);
        const auto held = send(1, follow, QHostAddress(QStringLiteral("192.0.2.1")));
        QVERIFY(!held->done);
        // 64 more entries from 8 other addresses fill the cache; the first entry is the oldest.
        for (int i = 0; i < 64; ++i) {
            QTest::qWait(i == 0 ? 5 : 0); // a later creation time than the first entry
            QVERIFY(!pend(200 + i, QHostAddress(QStringLiteral("203.0.113.%1").arg(1 + i / 8))).isEmpty());
        }
        QVERIFY(!m_registration->isPending(control::Registration::authIdFromUrl(url)));
        QVERIFY(held->done);
        QCOMPARE(held->status, 200);
        QVERIFY(!held->body.value("Error").toString().isEmpty());
        QCOMPARE(m_registration->pendingCount(), 64);
    }
};

QTEST_GUILESS_MAIN(TestRegistrationLimits)
#include "tst_registrationlimits.moc"
