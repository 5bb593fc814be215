// MIKEY codec (RFC 3830, RFC 6043, RFC 6509) for the payloads TS 33.180 uses.
// Typed payloads, an encoder and a bounds-checked decoder that accepts payloads in any order.
// Decoding then re-encoding reproduces the input bytes exactly.
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "mcx/security/types.h"


namespace mcx::security::mikey {

/// "Next payload" values (RFC 3830 6.1, RFC 6043 6.6, RFC 6509 4.2).
enum class PayloadType : uint8_t {
  kLast = 0,
  kKemac = 1,
  kPke = 2,
  kDh = 3,
  kSign = 4,
  kT = 5,
  kId = 6,
  kCert = 7,
  kChash = 8,
  kV = 9,
  kSp = 10,
  kRand = 11,
  kErr = 12,
  kIdr = 14,
  kKeyData = 20,
  kGeneralExtension = 21,
  kSakke = 26,
};

inline constexpr uint8_t kVersion = 1;
inline constexpr uint8_t kDataTypeSakkeIMessage = 26;  ///< RFC 6509
inline constexpr uint8_t kDataTypeSakkeResponse = 27;
inline constexpr uint8_t kPrfHmacSha256 = 1;           ///< RFC 6043
inline constexpr uint8_t kCsMapSrtpId = 0;             ///< RFC 3830 (legacy messages)
inline constexpr uint8_t kCsMapEmpty = 1;              ///< RFC 4563: #CS = 0
inline constexpr uint8_t kCsMapGenericId = 2;          ///< RFC 6043
inline constexpr uint8_t kProtTypeSrtp = 0;
inline constexpr uint8_t kTsNtpUtc = 0;
inline constexpr uint8_t kTsNtp = 1;
inline constexpr uint8_t kTsCounter = 2;
inline constexpr uint8_t kIdTypeNai = 0;
inline constexpr uint8_t kIdTypeUri = 1;
inline constexpr uint8_t kIdTypeByteString = 2;
inline constexpr uint8_t kSignTypeEccsi = 2;           ///< RFC 6509
inline constexpr uint8_t kSakkeIdSchemeUid = 2;        ///< TS 33.180 hashed UID (as both vendors send)
inline constexpr uint8_t kGeSakkeToSelf = 6;           ///< TS 33.180 E.5
inline constexpr uint8_t kGeKeyParameters = 7;         ///< TS 33.180 E.6

/// IDR roles (RFC 6043 6.6, RFC 6509 4.4, TS 33.180 E.7).
enum class IdRole : uint8_t {
  kInitiator = 1,
  kResponder = 2,
  kKms = 3,
  kPsk = 4,
  kApp = 5,
  kKmsInitiator = 6,
  kKmsResponder = 7,
  kUidInitiator = 8,  ///< identity hiding: the initiator's 32-byte UID
  kUidResponder = 9,  ///< identity hiding: the responder's 32-byte UID
};

/// CS ID map type 0 (SRTP-ID) entry.
struct SrtpCsEntry {
  uint8_t policy_no = 0;
  uint32_t ssrc = 0;
  uint32_t roc = 0;
};

/// CS ID map type 2 (GENERIC-ID, RFC 6043 6.1.2) entry.
struct GenericCsEntry {
  uint8_t cs_id = 0;
  uint8_t prot_type = kProtTypeSrtp;
  bool s_bit = false;
  Bytes policies;      ///< policy numbers (#P = size)
  Bytes session_data;  ///< RFC 6043 session data (empty in TS 33.180)
  Bytes spi;           ///< SPI, e.g. GMK-ID || GUK-ID
};

struct Header {
  uint8_t version = kVersion;
  uint8_t data_type = kDataTypeSakkeIMessage;
  bool v_bit = false;
  uint8_t prf = kPrfHmacSha256;
  uint32_t csb_id = 0;
  uint8_t cs_map_type = kCsMapEmpty;
  std::vector<SrtpCsEntry> srtp_map;       ///< with cs_map_type 0
  std::vector<GenericCsEntry> generic_map;  ///< with cs_map_type 2
};

struct Timestamp {
  uint8_t ts_type = kTsNtpUtc;
  Bytes value;  ///< 8 bytes for NTP/NTP-UTC, 4 for COUNTER
  /// Whole NTP seconds of an NTP/NTP-UTC value.
  uint64_t NtpSeconds() const;
  static Timestamp FromNtpSeconds(uint64_t seconds);
};

struct Rand {
  Bytes value;
};

struct Idr {
  IdRole role = IdRole::kInitiator;
  uint8_t id_type = kIdTypeUri;
  Bytes data;
};

struct SpParam {
  uint8_t type = 0;
  Bytes value;
};

/// Security Policy payload (RFC 3830 6.10); for SRTP, params are type/length/value.
struct SecurityPolicy {
  uint8_t policy_no = 0;
  uint8_t prot_type = kProtTypeSrtp;
  std::vector<SpParam> params;
  /// The value of a parameter type, if present.
  std::optional<Bytes> Param(uint8_t type) const;
};

/// SAKKE payload (RFC 6509 4.2).
struct SakkePayload {
  uint8_t params = 1;
  uint8_t id_scheme = kSakkeIdSchemeUid;
  Bytes sed;  ///< SAKKE Encapsulated Data
};

/// General Extension payload (RFC 3830 6.15).
struct GeneralExtension {
  uint8_t type = 0;
  Bytes data;
};

/// SIGN payload (RFC 3830 6.5): 4-bit type, 12-bit length, signature.
struct Sign {
  uint8_t s_type = kSignTypeEccsi;
  Bytes signature;
};

using Payload = std::variant<Timestamp, Rand, Idr, SecurityPolicy, SakkePayload, GeneralExtension>;

PayloadType TypeOf(const Payload& p);

/// A MIKEY message: HDR, the payloads in their order, and the SIGN payload (last, if present).
struct Message {
  Header hdr;
  std::vector<Payload> payloads;
  std::optional<Sign> sign;

  /// First payload of type T, if any.
  template <class T>
  const T* Find() const {
    for (const auto& p : payloads)
      if (auto* v = std::get_if<T>(&p)) return v;
    return nullptr;
  }
  template <class T>
  size_t Count() const {
    size_t n = 0;
    for (const auto& p : payloads) n += std::holds_alternative<T>(p) ? 1 : 0;
    return n;
  }
  const Idr* FindIdr(IdRole role) const;
  const GeneralExtension* FindGeneralExtension(uint8_t type) const;
};

/// Encodes the whole message (with the SIGN payload if present).
Bytes Encode(const Message& m);

/// The bytes a signature covers (TS 33.180 / RFC 3830 5.2): everything from HDR up to and
/// including the 2-byte SIGN payload header, for a signature of sig_len bytes.
Bytes EncodeSignedPart(const Message& m, size_t sig_len);

/// Decodes a MIKEY message. Errors: kTruncated (input ends inside a field, or a length points
/// past the end), kTrailingBytes (bytes after the last payload), kUnknownPayload (a next-payload
/// value this codec does not know), kUnsupportedValue (version != 1, unknown CS ID map type).
Result<Message> Decode(ByteView bytes);

/// Length of the signed part of an encoded message that ends with SIGN (0 if no SIGN).
size_t SignedPartLength(const Message& m);

}  // namespace mcx::security::mikey
