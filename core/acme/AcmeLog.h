#pragma once

#include <QLoggingCategory>

// The ACME client's log category ("keel.acme"): every step of obtaining, renewing and serving a
// certificate is logged here at info level, failures at warning. Never keys, tokens or nonces.
Q_DECLARE_LOGGING_CATEGORY(lcAcme)
