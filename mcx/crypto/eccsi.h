// ECCSI (RFC 6507) over NIST P-256 with SHA-256: identity-based signatures used to sign
// MIKEY-SAKKE I_MESSAGEs (TS 33.180). ID is the raw 32-byte UID in TS 33.180.
#pragma once

#include <memory>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"
#include "mcx/crypto/rng.h"

namespace mcx::crypto::eccsi {

inline constexpr size_t kScalarBytes = 32;      ///< N: KSAK, SSK, r, s
inline constexpr size_t kPointBytes = 65;       ///< 0x04 || x || y: KPAK, PVT
inline constexpr size_t kSignatureBytes = 129;  ///< r || s || PVT

/// An SSK and its PVT as the KMS issues them to one identity for one key period.
struct UserKey {
  SecretBytes ssk;  ///< Secret Signing Key, 32 bytes
  Bytes pvt;        ///< Public Validation Token, 65 bytes
};

/// The KMS Secret Authentication Key (KSAK) and its public KPAK = [KSAK]G.
class KmsSecret {
 public:
  /// Errors: kRandomFailure.
  static Result<KmsSecret> Generate(Rng& rng);
  /// 32-byte KSAK. Errors: kBadLength, kScalarOutOfRange.
  static Result<KmsSecret> Decode(ByteView ksak);
  SecretBytes Encode() const { return ksak_; }
  const Bytes& Kpak() const { return kpak_; }

  /// RFC 6507 5.1.1: v random, PVT = [v]G, HS = hash(G||KPAK||ID||PVT), SSK = KSAK + HS v mod q
  /// (v is redrawn in the negligible case SSK = 0 or HS v = 0). Errors: kRandomFailure.
  Result<UserKey> Issue(ByteView id, Rng& rng) const;

 private:
  KmsSecret(SecretBytes ksak, Bytes kpak) : ksak_(std::move(ksak)), kpak_(std::move(kpak)) {}
  SecretBytes ksak_;
  Bytes kpak_;
};

/// RFC 6507 5.1.2: checks PVT and KPAK are valid points and [SSK]G == KPAK + [HS]PVT.
/// Errors: kBadLength, kBadPointEncoding, kFieldElementTooLarge, kPointNotOnCurve,
/// kPointAtInfinity, kScalarOutOfRange (SSK 0 or >= q), kInvalidSsk.
Status ValidateSsk(ByteView kpak, ByteView id, ByteView ssk, ByteView pvt);

/// Checks a KPAK or PVT is a valid P-256 point.
/// Errors: kBadLength, kBadPointEncoding, kFieldElementTooLarge, kPointNotOnCurve, kPointAtInfinity.
Status ValidatePublicKey(ByteView point);

/// RFC 6507 5.1.2 HS = SHA-256(G || KPAK || ID || PVT). KPAK and PVT are taken as given.
Bytes ComputeHs(ByteView kpak, ByteView id, ByteView pvt);

/// A user's signing key (SSK, PVT) bound to its identity and KMS; validated at creation.
class Signer {
 public:
  /// Errors: those of ValidateSsk.
  static Result<Signer> Create(ByteView kpak, ByteView id, ByteView ssk, ByteView pvt);
  /// RFC 6507 5.2.1: j from rng (redrawn in the negligible degenerate cases).
  /// Returns r || s || PVT (129 bytes). Errors: kRandomFailure.
  Result<Bytes> Sign(ByteView message, Rng& rng) const;

  struct Impl;

 private:
  explicit Signer(std::shared_ptr<const Impl> i) : impl_(std::move(i)) {}
  std::shared_ptr<const Impl> impl_;
};

/// Verifies signatures under one KMS's KPAK, caching per sender (ID, PVT) the value
/// Y = [HS]PVT + KPAK (RFC 6507 5.2.2 step 4), so a repeated sender costs one double-scalar
/// multiplication. Thread-safe; copies share the cache.
class Verifier {
 public:
  /// Errors: the point errors of a bad KPAK.
  static Result<Verifier> Create(ByteView kpak);
  /// As eccsi::Verify.
  Status Verify(ByteView id, ByteView message, ByteView signature) const;
  size_t CachedSenders() const;

  struct Impl;

 private:
  explicit Verifier(std::shared_ptr<Impl> i) : impl_(std::move(i)) {}
  std::shared_ptr<Impl> impl_;
};

/// RFC 6507 5.2.2: verifies a 129-byte signature of message by identity id under KPAK.
/// Errors: kBadLength (signature not 129 bytes), kBadPointEncoding, kFieldElementTooLarge,
/// kPointNotOnCurve, kPointAtInfinity (bad KPAK or PVT), kSignatureInvalid.
Status Verify(ByteView kpak, ByteView id, ByteView message, ByteView signature);

}  // namespace mcx::crypto::eccsi
