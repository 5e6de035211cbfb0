#include "acme/AcmeLog.h"

Q_LOGGING_CATEGORY(lcAcme, "keel.acme")
