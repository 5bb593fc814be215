// Identities and time-limited keys (TS 33.180 F.2.1, 5.2.2): the hashed UID (format 2), key
// period numbers, NTP time, and 32-bit key IDs with their purpose tags.
#pragma once

#include <cstdint>
#include <string_view>

#include "mcx/security/types.h"


namespace mcx::security {

inline constexpr size_t kUidBytes = 32;
/// Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
inline constexpr uint64_t kNtpUnixOffsetSeconds = 2208988800ULL;

inline uint64_t UnixToNtpSeconds(uint64_t unix_seconds) { return unix_seconds + kNtpUnixOffsetSeconds; }
inline uint64_t NtpToUnixSeconds(uint64_t ntp_seconds) { return ntp_seconds - kNtpUnixOffsetSeconds; }

/// A KMS's key period rule (KmsCertificate UserKeyPeriod / UserKeyOffset), in NTP seconds.
struct KeyPeriod {
  uint64_t period_seconds = 0;
  uint64_t offset_seconds = 0;

  /// floor((ntp - offset) / period). Errors: kKeyPeriodInvalid (period 0 or ntp < offset).
  Result<uint64_t> Number(uint64_t ntp_seconds) const;
  /// First NTP second of period number k.
  uint64_t Start(uint64_t number) const { return offset_seconds + number * period_seconds; }
  /// First NTP second after period number k.
  uint64_t End(uint64_t number) const { return Start(number + 1); }
};

/// TS 33.180 F.2.1 UID (format 2): SHA-256(0x00 || "MIKEY-SAKKE-UID" || L0 || user URI || L1 ||
/// KMS URI || L2 || period || L3 || offset || L4 || period number || L5); the three integers in
/// their shortest big-endian form. Returns 32 bytes.
Bytes Uid(std::string_view user_uri, std::string_view kms_uri, const KeyPeriod& period,
          uint64_t period_number);
/// The hash input S of Uid (for inspection and tests).
Bytes UidHashInput(std::string_view user_uri, std::string_view kms_uri, const KeyPeriod& period,
                   uint64_t period_number);

/// Purpose tags: the 4 most significant bits of a key ID (TS 33.180 5.2.2, E.6.11).
enum class KeyPurpose : uint8_t {
  kGmk = 0,
  kPck = 1,
  kCsk = 2,
  kSpk = 3,
  kMkfc = 4,
  kMscck = 5,
  kMusik = 6,
};

const char* KeyPurposeName(KeyPurpose p);
inline KeyPurpose PurposeOfKeyId(uint32_t key_id) { return static_cast<KeyPurpose>(key_id >> 28); }
/// Purpose nibble || 28 random bits. Errors: kRandomFailure.
Result<uint32_t> NewKeyId(KeyPurpose purpose, Rng& rng);

}  // namespace mcx::security
