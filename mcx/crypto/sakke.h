// SAKKE (RFC 6508) with parameter set 1 (RFC 6509): identity-based key encapsulation used by
// MIKEY-SAKKE (TS 33.180) to send a key (GMK, PCK, CSK, ...) to an identity (its UID).
#pragma once

#include <memory>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"
#include "mcx/crypto/rng.h"

namespace mcx::crypto::sakke {

inline constexpr size_t kFieldBytes = 128;   ///< an F_p element / a 1024-bit integer
inline constexpr size_t kPointBytes = 257;   ///< 0x04 || x || y (Z, RSK, Rb)
inline constexpr size_t kSsvBytes = 16;      ///< n = 128 bits
inline constexpr size_t kSedBytes = 273;     ///< SAKKE Encapsulated Data: 0x04 || Rb.x || Rb.y || H
inline constexpr uint8_t kParameterSet1 = 1;  ///< IANA SAKKE parameter set value

/// A KMS public key Z = [z]P (the KMS certificate's PubEncKey). Cheap to copy.
class PublicKey {
 public:
  /// Parses and checks Z: on the curve and in the order-q subgroup.
  /// Errors: kBadLength, kBadPointEncoding, kFieldElementTooLarge, kPointNotOnCurve,
  /// kPointAtInfinity.
  static Result<PublicKey> Decode(ByteView z);
  const Bytes& Encoded() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit PublicKey(std::shared_ptr<const Impl> i) : impl_(std::move(i)) {}
  friend class MasterSecret;
  std::shared_ptr<const Impl> impl_;
};

/// The KMS master secret z (RFC 6508 2.2); wiped when destroyed.
class MasterSecret {
 public:
  /// z uniform in [1, q-1]. Errors: kRandomFailure.
  static Result<MasterSecret> Generate(Rng& rng);
  /// 128-byte big-endian z. Errors: kBadLength, kScalarOutOfRange.
  static Result<MasterSecret> Decode(ByteView z);
  SecretBytes Encode() const;
  const PublicKey& Public() const { return public_; }

  /// RFC 6508 6.1.1: RSK = [(b + z)^-1 mod q]P for identifier b (the raw UID bytes).
  /// Errors: kScalarOutOfRange (b + z = 0 mod q; negligible).
  Result<Bytes> IssueRsk(ByteView identifier) const;

 private:
  MasterSecret(SecretBytes z, PublicKey pub) : z_(std::move(z)), public_(std::move(pub)) {}
  SecretBytes z_;
  PublicKey public_;
};

/// RFC 6508 6.1.2: checks <[b]P + Z, RSK> == g.
/// Errors: kBadLength, kBadPointEncoding, kFieldElementTooLarge, kPointNotOnCurve,
/// kPointAtInfinity (malformed RSK), kInvalidRsk (well-formed but not the key for b under Z).
Status ValidateRsk(const PublicKey& kms, ByteView identifier, ByteView rsk);

/// RFC 6508 6.2.1: encapsulates a 16-byte SSV to identifier b under Z. Needs no randomness
/// (r is derived from SSV and b) and no pairing (uses g^r).
/// Errors: kBadLength (SSV not 16 bytes).
Result<Bytes> Encapsulate(const PublicKey& kms, ByteView identifier, ByteView ssv);

/// Submits Encapsulate(kms, identifier, ssv) to be computed ahead (crypto/ahead.h) by a sender
/// that knows it will encapsulate it soon (a GMS keying every member of a group). A no-op
/// without workers.
void EncapsulateAhead(const PublicKey& kms, ByteView identifier, ByteView ssv);

/// A sender's precomputation for one receiver (identifier under a KMS): a fixed-base table of
/// [b]P + Z (1.2 MB, about 40 ms to build), so that each encapsulation to that receiver needs 148
/// point additions instead of 296. For a sender that keys the same few receivers often (a GMS
/// rekeying a small group); the plain Encapsulate needs nothing per receiver.
class Encapsulator {
 public:
  /// Errors: kPointAtInfinity (an identifier whose [b]P + Z is the identity).
  static Result<Encapsulator> Create(const PublicKey& kms, ByteView identifier);
  /// The same bytes as sakke::Encapsulate(kms, identifier, ssv). Errors: kBadLength.
  Result<Bytes> Encapsulate(ByteView ssv) const;
  size_t PrecomputedBytes() const;

  struct Impl;

 private:
  explicit Encapsulator(std::shared_ptr<const Impl> i) : impl_(std::move(i)) {}
  std::shared_ptr<const Impl> impl_;
};

/// A receiver's decryption key (RSK) bound to its identifier and KMS; parse once, use often.
class ReceiverKey {
 public:
  /// Parses the RSK and, with validate (the default), runs the RSK check of ValidateRsk.
  /// With precompute (the default) it also computes the RSK's Miller-loop line coefficients
  /// (about 340 kB, kept for the key period), which makes each decapsulation ~3x faster, unless
  /// SetLineTablePolicy says no.
  /// With check_table it also builds a fixed-base table of [b]P + Z (1.2 MB, ~40 ms) for the
  /// integrity check, which saves a further ~0.15-0.2 ms per decapsulation: for a handset that
  /// decapsulates often, not for simulating thousands of UEs in one process.
  /// Errors: those of ValidateRsk.
  static Result<ReceiverKey> Create(const PublicKey& kms, ByteView identifier, ByteView rsk,
                                    bool validate = true, bool precompute = true, bool check_table = false);
  /// Submits Create(...) to be computed ahead (crypto/ahead.h): by the KMS that has just issued
  /// the RSK its user will check. A no-op without workers.
  static void CreateAhead(const PublicKey& kms, ByteView identifier, ByteView rsk, bool validate = true,
                          bool precompute = true, bool check_table = false);
  /// Bytes held by the precomputed tables (0 without precomputation).
  size_t PrecomputedBytes() const;
  /// RFC 6508 6.2.2: recovers the SSV from SED = 0x04 || Rb || H and checks [r]([b]P+Z) == Rb.
  /// Errors: kBadLength, kBadPointEncoding, kFieldElementTooLarge, kPointNotOnCurve,
  /// kPointAtInfinity (malformed Rb), kSakkeIntegrityFailed (not made for this identity/key,
  /// or altered).
  Result<SecretBytes> Decapsulate(ByteView sed) const;

  struct Impl;

 private:
  static Result<ReceiverKey> CreateNow(const PublicKey& kms, ByteView identifier, ByteView rsk, bool validate,
                                       bool precompute, bool check_table);
  explicit ReceiverKey(std::shared_ptr<const Impl> i) : impl_(std::move(i)) {}
  std::shared_ptr<const Impl> impl_;
};

/// Whether ReceiverKey::Create(..., precompute = true) keeps the RSK's line table (~343 kB),
/// process-wide: a simulator of thousands of receivers trades that memory for decapsulations about
/// a quarter slower, with the same results. kAuto keeps a table while the tables alive take less
/// than budget_bytes (plus at most one per thread creating keys at that moment). Default: kOn.
enum class LineTables { kOn, kOff, kAuto };
void SetLineTablePolicy(LineTables policy, size_t budget_bytes = 0);
/// Bytes of the receivers' line tables alive now, and the most alive at once since the last
/// SetLineTablePolicy.
size_t LineTableBytesAlive();
size_t LineTableBytesPeak();

/// One-shot form of ReceiverKey::Create(kms, identifier, rsk, false).Decapsulate(sed).
Result<SecretBytes> Decapsulate(const PublicKey& kms, ByteView identifier, ByteView rsk,
                                ByteView sed);

}  // namespace mcx::crypto::sakke
