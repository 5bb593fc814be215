// Internal: arbitrary-precision integers (OpenSSL BIGNUM behind an RAII type of our own).
// Algorithm code uses BigInt, PrimeField and EcGroup only, so the arithmetic back end can be
// replaced without touching ECCSI/SAKKE.
#pragma once

#include <string_view>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"
#include "mcx/crypto/rng.h"

struct bignum_st;
struct bignum_ctx;

namespace mcx::crypto {

/// Per-thread scratch context for BIGNUM operations.
bignum_ctx* ThreadBnCtx();

class BigInt {
 public:
  BigInt();
  explicit BigInt(uint64_t v);
  BigInt(const BigInt& o);
  BigInt(BigInt&& o) noexcept;
  BigInt& operator=(const BigInt& o);
  BigInt& operator=(BigInt&& o) noexcept;
  ~BigInt();  // clears the value (BN_clear_free)

  static BigInt FromBytes(ByteView big_endian);
  /// For constants written in source; aborts on bad hex (programmer error).
  static BigInt FromHexConstant(std::string_view hex);

  /// Big-endian, left-padded to `width` bytes. Errors: kBadLength if it does not fit.
  Result<Bytes> ToBytes(size_t width) const;
  /// Like ToBytes but for values known to fit (asserts).
  Bytes ToFixedBytes(size_t width) const;
  /// Shortest big-endian encoding; zero is one byte 0x00.
  Bytes ToMinimalBytes() const;

  int BitLength() const;
  bool Bit(int i) const;
  bool IsZero() const;
  bool IsOne() const;
  int Compare(const BigInt& o) const;
  /// Marks the value secret: OpenSSL then uses its constant-time code paths where it has them.
  void SetConstTime();

  bignum_st* raw() { return bn_; }
  const bignum_st* raw() const { return bn_; }

  static BigInt Add(const BigInt& a, const BigInt& b);
  static BigInt Sub(const BigInt& a, const BigInt& b);
  static BigInt Mul(const BigInt& a, const BigInt& b);
  static BigInt Mod(const BigInt& a, const BigInt& m);
  static BigInt ModAdd(const BigInt& a, const BigInt& b, const BigInt& m);
  static BigInt ModSub(const BigInt& a, const BigInt& b, const BigInt& m);
  static BigInt ModMul(const BigInt& a, const BigInt& b, const BigInt& m);
  /// a^-1 mod m, constant time: safegcd divsteps (safegcd.h) for odd moduli of up to 256 bits,
  /// OpenSSL's constant-time path otherwise. Throws when a has no inverse (std::invalid_argument
  /// on the safegcd path).
  static BigInt ModInverse(const BigInt& a, const BigInt& m);
  /// 2^bits.
  static BigInt PowerOfTwo(int bits);

 private:
  bignum_st* bn_;
};

inline bool operator==(const BigInt& a, const BigInt& b) { return a.Compare(b) == 0; }
inline bool operator!=(const BigInt& a, const BigInt& b) { return a.Compare(b) != 0; }
inline bool operator<(const BigInt& a, const BigInt& b) { return a.Compare(b) < 0; }
inline bool operator>=(const BigInt& a, const BigInt& b) { return a.Compare(b) >= 0; }

/// A uniformly random integer in [1, n-1] by rejection sampling: draws ceil(bits(n)/8) bytes,
/// clears the bits above bits(n), retries when the value is 0 or >= n. A fixed RNG that supplies
/// an in-range value therefore yields exactly that value (known-answer tests).
/// Errors: kRandomFailure.
Result<BigInt> RandomScalar(Rng& rng, const BigInt& n);

/// Reads a scalar of exactly `width` bytes and checks 0 < k < n.
/// Errors: kBadLength, kScalarOutOfRange.
Result<BigInt> DecodeScalar(ByteView bytes, size_t width, const BigInt& n);

}  // namespace mcx::crypto
