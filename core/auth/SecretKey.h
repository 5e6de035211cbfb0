#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::auth {

// The text forms of pre-auth keys and API keys (spec D.4), Headscale-compatible:
//   hskey-auth-<12 prefix>-<64 secret>   pre-auth key
//   hskey-api-<12 prefix>-<64 secret>    API key
// prefix and secret use the URL-safe base64 alphabet [A-Za-z0-9_-]. The prefix is stored and shown
// so a key can be listed and expired; the secret is stored only as a hash.
// Legacy forms still accepted: a 48-hex plaintext pre-auth key (Headscale <= 0.26) and an API key
// "<7 prefix>.<secret>".
class SecretKey
{
public:
    enum class Kind { PreAuth, Api };
    enum class Format { Modern, LegacyPlain, LegacyDotted };

    static constexpr int PrefixLength = 12;
    static constexpr int SecretLength = 64;
    static constexpr int LegacyApiPrefixLength = 7;
    static constexpr int LegacyPreAuthLength = 48;

    Kind kind = Kind::PreAuth;
    Format format = Format::Modern;
    QString prefix;     // the lookup prefix (empty for LegacyPlain)
    QByteArray secret;  // the part to hash (for LegacyPlain: the whole key)

    // A fresh random key of the given kind (OpenSSL RAND_bytes).
    static SecretKey generate(Kind kind);

    // Parses user input. On failure returns nullopt and, if asked, why (never echoing the secret).
    static std::optional<SecretKey> parse(Kind kind, const QString& text, QString* error = nullptr);

    // The full key text (shown once at creation).
    QString toString() const;

    // The masked forms lists show: "hskey-auth-<prefix>-***", "hskey-api-<prefix>-***", "<prefix>***".
    static QString maskedPreAuth(const QString& prefix);
    static QString maskedApi(const QString& prefix);

    static QString marker(Kind kind); // "hskey-auth-" or "hskey-api-"
    static bool isUrlSafe(QStringView s);
    // n random characters from the URL-safe alphabet, uniformly chosen.
    static QString randomUrlSafe(int n);
};

} // namespace keel::auth
