// Key derivations of TS 33.220 Annex B and TS 33.180 Annex F, and the MIKEY PRF
// (RFC 3830 4.1.2 with PRF-HMAC-SHA-256 of RFC 6043 6.1).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "mcx/crypto/bytes.h"

namespace mcx::crypto::kdf {

/// FC values of TS 33.180 Annex F.
enum class Fc : uint8_t {
  kGukUserSalt = 0x50,         ///< F.1.3 user salt for the GUK-ID
  kSignallingConfidentiality = 0x51,  ///< F.1.4 XML confidentiality key from CSK/SPK
  kSignallingIntegrity = 0x52,  ///< F.1.4 XML integrity key from CSK/SPK
  kDpck = 0x53,                 ///< F.1.5 DPCK from a DPPK (MCData, GE type 7 key parameters)
};

/// MIKEY PRF labels (RFC 3830 4.1.3): the SRTP master key (TEK) and master salt constants.
inline constexpr uint32_t kLabelTek = 0x2AD01C64;
inline constexpr uint32_t kLabelSalt = 0x39A2C14B;
inline constexpr uint32_t kLabelMikeyEncr = 0x15798CEF;
inline constexpr uint32_t kLabelMikeyAuth = 0x1B5C7973;

/// TS 33.220 B.2: HMAC-SHA-256(key, FC || P0 || L0 || P1 || L1 ...), each Li 2 bytes.
/// Returns the 32-byte output.
SecretBytes Kdf(ByteView key, uint8_t fc, std::initializer_list<ByteView> params);

/// The 128-bit form: the 128 least significant bits (last 16 bytes) of Kdf (TS 33.220 B.2.1.2).
SecretBytes Kdf128(ByteView key, uint8_t fc, std::initializer_list<ByteView> params);

/// TS 33.180 F.1.3: the 28-bit User Salt from the GMK and the user's MC service ID URI.
uint32_t GukUserSalt(ByteView gmk, std::string_view user_uri);
/// TS 33.180 5.2.3 / F.1.3: GUK-ID = (GMK-ID XOR salt) keeping the GMK-ID's purpose nibble.
/// The same operation recovers the GMK-ID from a GUK-ID.
uint32_t GukId(ByteView gmk, uint32_t gmk_id, std::string_view user_uri);
uint32_t GmkIdFromGukId(ByteView gmk, uint32_t guk_id, std::string_view user_uri);

/// TS 33.180 F.1.5: DPCK = KDF(DPPK, FC 0x53, P0 = DPPK-ID), 128 bits.
SecretBytes Dpck(ByteView dppk, uint32_t dppk_id);

/// TS 33.180 F.1.4: signalling-plane keys from an XPK (CSK or SPK).
SecretBytes SignallingConfidentialityKey(ByteView xpk, std::string_view user_id, uint32_t xpk_id);
SecretBytes SignallingIntegrityKey(ByteView xpk, std::string_view user_id, uint32_t xpk_id);

/// RFC 3830 4.1.2 PRF with HMAC-SHA-256 (RFC 6043 6.1): the inkey is cut into 256-bit chunks,
/// P(s_i, label, m) computed for each and the results XORed; truncated to out_len bytes.
SecretBytes MikeyPrf(ByteView inkey, ByteView label, size_t out_len);

/// SRTP master key (16 bytes) and master salt (12 bytes) for a crypto session
/// (TS 33.180 7.4, RFC 3830 4.1.3): label = constant || CS-ID || CSB-ID || RAND.
struct SrtpMasterKeys {
  SecretBytes key;
  SecretBytes salt;
};
SrtpMasterKeys SrtpMaster(ByteView tgk, uint8_t cs_id, uint32_t csb_id, ByteView rand);

/// The PRF label constant || CS-ID || CSB-ID || RAND.
Bytes MikeyLabel(uint32_t constant, uint8_t cs_id, uint32_t csb_id, ByteView rand);

}  // namespace mcx::crypto::kdf
