#pragma once

namespace keel::crypto {

// Tags that give each key type its own C++ type and its Tailscale text prefix (types/key/*.go), so a
// node key can never be passed where a machine key is expected.
struct MachineKeyKind {
    static constexpr const char* publicPrefix = "mkey:";
};
struct NodeKeyKind {
    static constexpr const char* publicPrefix = "nodekey:";
};
struct DiscoKeyKind {
    static constexpr const char* publicPrefix = "discokey:";
};
// The per-connection key sent in EarlyNoise as nodeKeyChallenge.
struct ChallengeKeyKind {
    static constexpr const char* publicPrefix = "chalpub:";
};

// Every private key type shares Tailscale's "privkey:" text form (MachinePrivate/NodePrivate MarshalText).
inline constexpr const char* privateKeyPrefix = "privkey:";

} // namespace keel::crypto
