#pragma once

#include <QCoreApplication>
#include <QEvent>

namespace keel::fuzz {

// The application object for a target that drives Qt objects (libFuzzer owns main(), so it is
// made on the first input and lives until exit).
inline QCoreApplication& app(const char* name)
{
    static int argc = 1;
    static QByteArray programName(name);
    static char* argv[] = {programName.data(), nullptr};
    static QCoreApplication instance(argc, argv);
    return instance;
}

// Runs what the input left queued, as the server's event loop would after a request: posted
// events (queued signals, deferred work) and then deferred deletes. Without it they pile up
// across millions of inputs (the memory grows without any leak) and the deferred paths never run.
inline void settle()
{
    QCoreApplication::sendPostedEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

// settle() when the input's scope ends, on every return path and after its locals are gone.
struct SettleOnReturn
{
    SettleOnReturn() = default;
    SettleOnReturn(const SettleOnReturn&) = delete;
    SettleOnReturn& operator=(const SettleOnReturn&) = delete;
    ~SettleOnReturn() { settle(); }
};

} // namespace keel::fuzz
