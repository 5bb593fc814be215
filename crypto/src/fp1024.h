// Internal: fixed-width arithmetic in F_p for the 1024-bit SAKKE prime (16 x 64-bit limbs,
// Montgomery form, R = 2^1024). No allocation; add/sub/select are constant time, and so is the
// multiplication (no data-dependent branches). The multiplication uses MULX/ADCX/ADOX when the
// CPU has BMI2 and ADX (chosen once at start-up) and portable 128-bit arithmetic otherwise.
#pragma once

#include <cstdint>

#include "bigint.h"

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
  void Sqr(Fe& r, const Fe& a) const { mul_(r.v, a.v, a.v, p_.v, n0_); }
  void Add(Fe& r, const Fe& a, const Fe& b) const;
  void Sub(Fe& r, const Fe& a, const Fe& b) const;
  void Dbl(Fe& r, const Fe& a) const { Add(r, a, a); }
  void Neg(Fe& r, const Fe& a) const;
  /// a^-1 (a != 0), through a constant-time modular inverse.
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
  static Fe Zero() { return Fe{}; }
  /// True when the MULX/ADX multiplication is in use.
  bool UsesAdx() const { return adx_; }

  using MulFn = void (*)(uint64_t*, const uint64_t*, const uint64_t*, const uint64_t*, uint64_t);

 private:
  Fp();
  Fe p_{};
  uint64_t n0_ = 0;  ///< -p^-1 mod 2^64
  Fe r2_{};          ///< R^2 mod p
  Fe one_{};         ///< R mod p
  BigInt p_big_;
  MulFn mul_ = nullptr;
  bool adx_ = false;
};

}  // namespace mcx::crypto::fast
