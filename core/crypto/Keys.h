#pragma once

// The key types the rest of Keel uses. Include this, not the templates.
#include "crypto/KeyKind.h"
#include "crypto/PrivateKey.h"
#include "crypto/PublicKey.h"

namespace keel::crypto {

using MachinePublic = PublicKey<MachineKeyKind>;
using MachinePrivate = PrivateKey<MachineKeyKind>;
using NodePublic = PublicKey<NodeKeyKind>;
using NodePrivate = PrivateKey<NodeKeyKind>;
using DiscoPublic = PublicKey<DiscoKeyKind>;
using DiscoPrivate = PrivateKey<DiscoKeyKind>;
using ChallengePublic = PublicKey<ChallengeKeyKind>;
using ChallengePrivate = PrivateKey<ChallengeKeyKind>;

} // namespace keel::crypto
