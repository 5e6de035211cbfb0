#include "SecretStore.h"

#include <qt6keychain/keychain.h>

namespace keel::gui {

namespace {
const QString kService = QStringLiteral("Keel Manager");
}

SecretStore::SecretStore(QObject* parent)
    : QObject(parent)
{
}

void SecretStore::read(const QString& account, Done done)
{
    auto* job = new QKeychain::ReadPasswordJob(kService, this);
    job->setKey(account);
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this, [job, done] {
        if (job->error() == QKeychain::NoError)
            done(job->textData(), {});
        else
            done({}, job->error() == QKeychain::EntryNotFound ? QString() : job->errorString());
    });
    job->start();
}

void SecretStore::write(const QString& account, const QString& secret, std::function<void(const QString& error)> done)
{
    auto* job = new QKeychain::WritePasswordJob(kService, this);
    job->setKey(account);
    job->setTextData(secret);
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this, [job, done] { done(job->error() == QKeychain::NoError ? QString() : job->errorString()); });
    job->start();
}

void SecretStore::remove(const QString& account)
{
    auto* job = new QKeychain::DeletePasswordJob(kService, this);
    job->setKey(account);
    job->setAutoDelete(true);
    job->start();
}

} // namespace keel::gui
