// Internal: fixed-width arithmetic in F_p for the 1024-bit SAKKE prime (16 x 64-bit limbs,
// Montgomery form, R = 2^1024). No allocation; add/sub/select are constant time, and so is the
// multiplication (no data-dependent branches). One product: MULX/ADCX/ADOX with BMI2 and ADX,
// else portable 128-bit arithmetic. Two or three independent products (Mul2, Mul3): AVX-512 IFMA
// in radix 2^52 with the products' dependency chains interleaved, when the CPU and OS have it
// (MCX_NO_IFMA=1 or MCX_NO_AVX512=1 turns it off). All give the same results.
#pragma once

#include <cstdint>

#include "mcx/crypto/internal/bigint.h"

namespace mcx::crypto::fast {

inline constexpr int kLimbs = 16;
inline constexpr size_t kFeBytes = 128;

/// An F_p element in Montgomery form; limbs little-endian.
struct Fe {
  uint64_t v[kLimbs];
};

class Fp {
 public:
  /// The field of SAKKE parameter set 1.
  static const Fp& Sakke();

  void Mul(Fe& r, const Fe& a, const Fe& b) const { mul_(r.v, a.v, b.v, p_.v, n0_); }
  /// Two or three independent products at once (outputs may alias inputs): with AVX-512 IFMA
  /// their dependency chains run interleaved, otherwise one after the other.
  void Mul2(Fe& r1, const Fe& a1, const Fe& b1, Fe& r2, const Fe& a2, const Fe& b2) const;
  void Mul3(Fe& r1, const Fe& a1, const Fe& b1, Fe& r2, const Fe& a2, const Fe& b2, Fe& r3, const Fe& a3,
            const Fe& b3) const;
  /// *r[j] = *a[j] * *b[j] for j = 0..3.
  void Mul4(Fe* const r[4], const Fe* const a[4], const Fe* const b[4]) const;
  static constexpr int kMaxBatch = 16;
  /// n independent products (n <= kMaxBatch), in groups of up to four; outputs may alias inputs.
  void MulBatch(Fe* const* r, const Fe* const* a, const Fe* const* b, int n) const;
  /// The same when no output is also an input of the batch (no copies).
  void MulBatchDistinct(Fe* const* r, const Fe* const* a, const Fe* const* b, int n) const;
  void Sqr(Fe& r, const Fe& a) const { mul_(r.v, a.v, a.v, p_.v, n0_); }
  void Add(Fe& r, const Fe& a, const Fe& b) const;
  void Sub(Fe& r, const Fe& a, const Fe& b) const;
  void Dbl(Fe& r, const Fe& a) const { Add(r, a, a); }
  void Neg(Fe& r, const Fe& a) const;
  /// a^-1 (a != 0; 0 for 0), constant time (Bernstein-Yang divsteps).
  void Inv(Fe& r, const Fe& a) const;
  bool IsZero(const Fe& a) const;
  bool Equal(const Fe& a, const Fe& b) const;

  /// r = choose ? b : a, in constant time.
  static void Select(Fe& r, const Fe& a, const Fe& b, bool choose);

  /// Big-endian 128 bytes (value < p) <-> Montgomery form.
  Fe FromBytes(const uint8_t* be) const;
  void ToBytes(const Fe& a, uint8_t* be) const;
  Fe FromBigInt(const BigInt& x) const;
  BigInt ToBigInt(const Fe& a) const;

  const Fe& One() const { return one_; }
  const BigInt& Modulus() const { return p_big_; }
  static Fe Zero() { return Fe{}; }

  using MulFn = void (*)(uint64_t*, const uint64_t*, const uint64_t*, const uint64_t*, uint64_t);
  enum class MulImpl { kPortable, kAdx, kIfma };
  static bool Supports(MulImpl m);
  static const char* MulName(MulImpl m);
  /// The product with a given implementation (tests and benchmarks; it must be supported).
  void MulUsing(MulImpl m, Fe& r, const Fe& a, const Fe& b) const { Function(m)(r.v, a.v, b.v, p_.v, n0_); }

 private:
  Fp();
  Fe p_{};
  uint64_t n0_ = 0;  ///< -p^-1 mod 2^64
  Fe r2_{};          ///< R^2 mod p
  Fe r3_{};          ///< R^3 mod p
  Fe one_{};         ///< R mod p
  BigInt p_big_;
  static MulFn Function(MulImpl m);
  /// k = 1..4 independent products, alias-safe.
  void MulGroup(Fe* const* r, const Fe* const* a, const Fe* const* b, int k) const;
  MulFn mul_ = nullptr;
  bool ifma_ = false;
};

}  // namespace mcx::crypto::fast
