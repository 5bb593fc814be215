// Errors are values: every failure of the security library is one of these codes.
// A failed MAC, signature or integrity check is a normal return, never an exception.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace mcx::crypto {

enum class Error {
  kBadLength = 1,          ///< an input has the wrong number of bytes
  kBadPointEncoding,       ///< a point is not 0x04 || x || y
  kPointNotOnCurve,        ///< coordinates valid but the point is not on the curve
  kPointAtInfinity,        ///< the point is the identity (or has the wrong order)
  kFieldElementTooLarge,   ///< a coordinate or scalar is not reduced (>= p or >= q)
  kScalarOutOfRange,       ///< a scalar is zero or >= the group order
  kInvalidRsk,             ///< RFC 6508 6.1.2: <[b]P+Z, RSK> != g
  kInvalidSsk,             ///< RFC 6507 5.1.2: [SSK]G != KPAK + [HS]PVT
  kSakkeIntegrityFailed,   ///< RFC 6508 6.2.2 step 4: [r]([b]P+Z) != Rb
  kSignatureInvalid,       ///< RFC 6507 5.2.2: signature does not verify
  kKeyPeriodInvalid,       ///< key period length zero, or time before the offset
  kRandomFailure,          ///< the random source failed or is exhausted
  kInternal,               ///< the arithmetic back end failed (out of memory)

  // Wire formats (MIKEY, key parameters, protected payloads).
  kTruncated,              ///< input ends inside a field or before a length says it should
  kTrailingBytes,          ///< bytes follow the last payload
  kUnknownPayload,         ///< a payload type this codec does not know (cannot be skipped)
  kUnsupportedValue,       ///< a known field holds a value we do not support (version, PRF...)
  kMissingPayload,         ///< a mandatory payload is absent
  kDuplicatePayload,       ///< a payload that may occur once occurs twice
  kAuthenticationFailed,   ///< an AEAD tag did not verify
  kReplayDetected,         ///< SRTP/SRTCP: this packet index was already received
  kReplayTooOld,           ///< SRTP/SRTCP: the index is behind the replay window
  kUnknownMki,             ///< SRTP/SRTCP: no master key for this MKI

  // TS 33.180 5.2.2 receiver checks of an I_MESSAGE (each can be reported to the sender).
  kUnknownKms,             ///< IDRkmsi/IDRkmsr names a KMS we hold no certificate for (-> KRR)
  kWrongReceiver,          ///< the message is addressed to another identity
  kKeyPeriodNotCurrent,    ///< the message's key period is not the receiver's current one
  kTimestampOutOfWindow,   ///< the T payload is further from now than the allowed skew
  kSenderNotAuthorised,    ///< the signer may not distribute this type of key
  kKeyTypeMismatch,        ///< the key ID's purpose tag or the key type does not fit
  kDuplicateKeyId,         ///< a different key with this key ID is already stored
  kKeyParametersUndecryptable,  ///< the GE type 7 key parameters do not decrypt or parse
  kKeyRevoked,             ///< the key parameters say the key is revoked
  kKeyExpired,             ///< the key's expiry time has passed

  // KMS XML (TS 33.180 Annex D) and key storage.
  kXmlMalformed,           ///< not well-formed XML, or not a KMS document
  kXmlMissingElement,      ///< a mandatory element is absent
  kXmlBadValue,            ///< an element's text is not a valid value
  kKmsError,               ///< the KMS answered with a KmsError
  kKeyNotFound,            ///< no stored key matches

  // Added by the security review (appended so that earlier codes keep their values).
  kGroupMismatch,          ///< TS 33.180 5.7 / E.6: the GMK's key parameters name another group
  kKeySetRevoked,          ///< TS 33.180 D.3.3: the KMS marked the user's key set <Revoked>
  kMessageTooLarge,        ///< a stream message's length exceeds the bound we accept
  kTimeout,                ///< no answer in time (a request's timeout)
};

/// Stable snake_case name of an error, for logs, CLI messages and JSON.
const char* ErrorName(Error e);

/// Either a value or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(e) {}                 // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  Error error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

/// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : err_(e), failed_(true) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  Error error() const {
    assert(failed_);
    return err_;
  }

 private:
  Error err_ = Error::kInternal;
  bool failed_ = false;
};

}  // namespace mcx::crypto

/// Propagates an error from an expression yielding Status or Result.
#define MCX_TRY(expr)                        \
  do {                                       \
    auto mcx_try_r_ = (expr);                \
    if (!mcx_try_r_.ok()) return mcx_try_r_.error(); \
  } while (0)
