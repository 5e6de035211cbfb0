#pragma once

#include "config/DiagnosticSink.h"
#include "config/RawSettings.h"

#include <QProcessEnvironment>

namespace keel::config {

// Every key can be set from the environment as KEEL_<KEY> or, for Headscale compatibility,
// HEADSCALE_<KEY> (upper case, dots as underscores: KEEL_DNS_BASE_DOMAIN). KEEL_ wins over
// HEADSCALE_, both win over the file. Lists are whitespace-separated; mappings (split nameservers,
// extra records, extra params) are written as YAML/JSON flow text.
class EnvOverrides
{
public:
    static void apply(RawSettings& raw, const QProcessEnvironment& env, DiagnosticSink& sink);
};

} // namespace keel::config
