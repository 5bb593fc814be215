// Injected randomness: every random choice of the library comes from an Rng the caller passes,
// so tests can fix nonces (RFC 6507 j, RFC 6508 SSV) and simulations can seed a DRBG.
#pragma once

#include <cstdint>
#include <deque>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::crypto {

class Rng {
 public:
  virtual ~Rng() = default;
  /// Fills out[0..len). Errors: kRandomFailure.
  virtual Status Fill(uint8_t* out, size_t len) = 0;

  Result<SecretBytes> Generate(size_t len);
};

/// Operating-system backed randomness (OpenSSL's private DRBG).
class SystemRng final : public Rng {
 public:
  Status Fill(uint8_t* out, size_t len) override;
};

/// HMAC_DRBG with SHA-256 (NIST SP 800-90A 10.1.2), instantiated from caller-given entropy.
/// Deterministic: the same seed gives the same stream, which makes simulation runs repeatable.
class HmacDrbg final : public Rng {
 public:
  explicit HmacDrbg(ByteView seed, ByteView personalization = ByteView());
  /// Convenience for simulations: the seed is the 8-byte big-endian run seed and a stream label.
  HmacDrbg(uint64_t seed, std::string_view stream);
  ~HmacDrbg() override;
  Status Fill(uint8_t* out, size_t len) override;

 private:
  void Update(ByteView provided);
  uint8_t key_[32];
  uint8_t v_[32];
};

/// Returns queued byte strings, each exactly once and in order; a request must match the size
/// of the next queued string. For known-answer tests. Errors: kRandomFailure when exhausted or
/// on a size mismatch.
class FixedRng final : public Rng {
 public:
  FixedRng() = default;
  explicit FixedRng(std::initializer_list<Bytes> values) : queue_(values) {}
  void Push(Bytes b) { queue_.push_back(std::move(b)); }
  size_t Remaining() const { return queue_.size(); }
  Status Fill(uint8_t* out, size_t len) override;

 private:
  std::deque<Bytes> queue_;
};

}  // namespace mcx::crypto
