// Internal: elliptic-curve groups over prime fields (OpenSSL EC_GROUP/EC_POINT behind our types).
// Used for P-256 (ECCSI) and for the SAKKE parameter-set-1 curve y^2 = x^3 - 3x over a 1024-bit p.
#pragma once

#include "mcx/crypto/internal/bigint.h"

struct ec_group_st;
struct ec_point_st;

namespace mcx::crypto {

class EcGroup;

class EcPoint {
 public:
  EcPoint(const EcPoint& o);
  EcPoint(EcPoint&& o) noexcept;
  EcPoint& operator=(const EcPoint& o);
  EcPoint& operator=(EcPoint&& o) noexcept;
  ~EcPoint();

  ec_point_st* raw() { return p_; }
  const ec_point_st* raw() const { return p_; }

 private:
  friend class EcGroup;
  EcPoint(const ec_group_st* g);
  const ec_group_st* g_;
  ec_point_st* p_;
};

class EcGroup {
 public:
  /// NIST P-256 (secp256r1).
  static const EcGroup& P256();
  /// y^2 = x^3 + a x + b over F_p with generator (gx, gy) of prime order `order` and `cofactor`.
  EcGroup(const BigInt& p, const BigInt& a, const BigInt& b, const BigInt& gx, const BigInt& gy,
          const BigInt& order, const BigInt& cofactor);
  ~EcGroup();
  EcGroup(const EcGroup&) = delete;
  EcGroup& operator=(const EcGroup&) = delete;

  const BigInt& Order() const { return order_; }
  const BigInt& FieldPrime() const { return p_; }
  size_t CoordBytes() const { return coord_bytes_; }
  size_t PointBytes() const { return 1 + 2 * coord_bytes_; }

  const EcPoint& Generator() const { return *gen_; }
  EcPoint Infinity() const;

  /// Parses 0x04 || x || y. Errors: kBadLength, kBadPointEncoding, kFieldElementTooLarge,
  /// kPointNotOnCurve, kPointAtInfinity. With check_order, a point outside the prime-order
  /// subgroup ([order]Q != O) is also rejected, as kPointNotOnCurve.
  Result<EcPoint> Decode(ByteView bytes, bool check_order = false) const;
  /// 0x04 || x || y; the point must not be infinity.
  Bytes Encode(const EcPoint& pt) const;
  /// Affine coordinates; the point must not be infinity.
  void Affine(const EcPoint& pt, BigInt& x, BigInt& y) const;
  EcPoint FromAffine(const BigInt& x, const BigInt& y) const;

  /// [k]G. k is treated as secret (OpenSSL constant-time path).
  EcPoint MulGen(const BigInt& k) const;
  /// [k]Q. k is treated as secret (constant-time ladder).
  EcPoint Mul(const EcPoint& q, const BigInt& k) const;
  /// [a]G + [b]Q with public scalars (interleaved multi-scalar multiplication).
  EcPoint MulGenAdd(const BigInt& a, const EcPoint& q, const BigInt& b) const;
  EcPoint Add(const EcPoint& a, const EcPoint& b) const;
  bool IsInfinity(const EcPoint& a) const;
  bool Equal(const EcPoint& a, const EcPoint& b) const;
  bool InPrimeOrderSubgroup(const EcPoint& a) const;

 private:
  explicit EcGroup(ec_group_st* g);
  void Init();
  ec_group_st* g_;
  BigInt p_;
  BigInt order_;
  size_t coord_bytes_ = 0;
  EcPoint* gen_ = nullptr;
};

}  // namespace mcx::crypto
