// TS 33.180 E.6 "3GPP key parameters" (MIKEY General Extension type 7) and the protected
// payload that carries them (TS 33.180 8.5.4 MCData protected payload, E.6.1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mcx/security/identity.h"
#include "mcx/security/types.h"

namespace mcx::security::keyparams {

/// How the 32-bit Status field (E.6.9) says "revoked". Its meaning is not settled by any source
/// we hold: Streamwide and wolfSSL set bit 0 for a key in use (SW sends 0x00000001), while Alea
/// sends 0 for a key in use. This is the one place the choice is made.
enum class StatusConvention {
  kBit0InUse,    ///< bit 0 set = key in use, clear = revoked (Streamwide, wolfSSL); our default
  kBit0Revoked,  ///< bit 0 set = revoked, clear = in use (fits Alea's messages)
};
inline constexpr StatusConvention kDefaultStatusConvention = StatusConvention::kBit0InUse;
uint32_t StatusWord(bool revoked, StatusConvention c = kDefaultStatusConvention);
bool IsRevoked(uint32_t status, StatusConvention c = kDefaultStatusConvention);

/// Group ID list element identifier seen in Alea's GMK (E.6.1-1; not confirmed by spec text).
inline constexpr uint8_t kGroupIdIei = 0x7b;

/// Algorithm negotiation for the CSK (TS 33.180 4.3.4.1, 5.4, 5.8): the client's supported list
/// and its selected algorithm, or the server's forced choice in a key download. No source we
/// hold gives its encoding; we carry it as an optional element after the text:
///   IEI 0xA1 | length(2) | count(1) | algorithm IDs (count) | selected(1)
/// Algorithm IDs use the protected-payload algorithm numbering (1 = AEAD_AES_128_GCM).
inline constexpr uint8_t kAlgorithmListIei = 0xA1;
inline constexpr uint8_t kAlgAes128Gcm = 0x01;
struct AlgorithmChoice {
  Bytes supported;
  uint8_t selected = kAlgAes128Gcm;
};

/// E.6.1-1: Key Type | Status | Activation Time | Expiry Time | Text | [Group IDs] | [algorithms]
struct KeyParameters {
  KeyPurpose key_type = KeyPurpose::kGmk;
  uint32_t status = StatusWord(false);
  uint64_t activation_time = 0;  ///< 5 bytes, Unix seconds (as Alea sends; 0 = immediately)
  uint64_t expiry_time = 0;      ///< 5 bytes, Unix seconds (0 = none; Alea sends 0x00ffffffff)
  std::string text;
  std::vector<std::string> group_ids;  ///< encoded for GMK, MKFC and MuSiK only
  std::optional<AlgorithmChoice> algorithms;
  /// True when the Group IDs element was absent in a GMK/MKFC/MuSiK (decoding only).
  bool group_ids_absent = false;
};

bool CarriesGroupIds(KeyPurpose t);
Bytes Encode(const KeyParameters& kp);
/// Errors: kTruncated, kTrailingBytes, kUnsupportedValue (unknown key type or element).
Result<KeyParameters> Decode(ByteView bytes);

/// Protected payload (TS 33.180 8.5.4 as used by E.6.1; byte layout as both vendors send it):
///   type(1) | date-time(5) | payload ID(4) | payload seq(1) | algorithm(1) | IV(16) |
///   DPPK-ID(4) | TLV type(1) | length(2) | AES-128-GCM(DPCK) ciphertext || tag
/// AAD = the first 32 bytes (type .. DPPK-ID); DPCK = KDF(DPPK, FC 0x53, DPPK-ID).
inline constexpr uint8_t kMessageTypeEncrypted = 0x40;
inline constexpr size_t kProtectedIvBytes = 16;
struct ProtectedPayload {
  uint8_t message_type = kMessageTypeEncrypted;
  uint64_t date_time = 0;
  uint32_t payload_id = 0;
  uint8_t payload_seq = 0;
  uint8_t algorithm = kAlgAes128Gcm;
  Bytes iv;
  uint32_t dppk_id = 0;
  uint8_t tlv_type = 0;
  Bytes sealed;  ///< ciphertext || 16-byte tag

  Bytes Aad() const;
};
Bytes EncodePayload(const ProtectedPayload& p);
/// Errors: kTruncated, kTrailingBytes.
Result<ProtectedPayload> DecodePayload(ByteView bytes);

/// The clear header fields of a protected payload (TS 33.180 8.5.4).
struct PayloadHeader {
  uint8_t message_type = kMessageTypeEncrypted;
  uint64_t date_time = 0;  ///< Unix seconds (5 bytes)
  uint32_t payload_id = 0;
  uint8_t payload_seq = 0;
};

/// MCData payload protection (TS 33.180 8.5): encrypts plaintext under DPCK(dppk, dppk_id) with
/// a fresh 16-byte IV from rng; the DPPK is the GMK, PCK or CSK the MCData session uses.
Result<ProtectedPayload> ProtectPayload(ByteView dppk, uint32_t dppk_id, const PayloadHeader& header,
                                        ByteView plaintext, Rng& rng);
/// The key-parameters form (E.6.1): payload ID 0, sequence 0.
Result<ProtectedPayload> Protect(ByteView dppk, uint32_t dppk_id, ByteView plaintext,
                                 uint64_t date_time, Rng& rng);
/// Errors: kUnsupportedValue (not encrypted / unknown algorithm), kAuthenticationFailed.
Result<SecretBytes> Unprotect(const ProtectedPayload& p, ByteView dppk);

}  // namespace mcx::security::keyparams
