#include "mcx/crypto/internal/ec_group.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <new>

namespace mcx::crypto {

namespace {
void CheckOk(int rc) {
  if (rc != 1) throw std::bad_alloc();
}
}  // namespace

EcPoint::EcPoint(const ec_group_st* g) : g_(g), p_(EC_POINT_new(g)) {
  if (p_ == nullptr) throw std::bad_alloc();
}
EcPoint::EcPoint(const EcPoint& o) : g_(o.g_), p_(EC_POINT_dup(o.p_, o.g_)) {
  if (p_ == nullptr) throw std::bad_alloc();
}
EcPoint::EcPoint(EcPoint&& o) noexcept : g_(o.g_), p_(o.p_) { o.p_ = nullptr; }
EcPoint& EcPoint::operator=(const EcPoint& o) {
  if (this != &o) {
    EcPoint tmp(o);
    std::swap(g_, tmp.g_);
    std::swap(p_, tmp.p_);
  }
  return *this;
}
EcPoint& EcPoint::operator=(EcPoint&& o) noexcept {
  std::swap(g_, o.g_);
  std::swap(p_, o.p_);
  return *this;
}
EcPoint::~EcPoint() { EC_POINT_clear_free(p_); }

EcGroup::EcGroup(ec_group_st* g) : g_(g) {
  if (g_ == nullptr) throw std::bad_alloc();
  Init();
}

EcGroup::EcGroup(const BigInt& p, const BigInt& a, const BigInt& b, const BigInt& gx,
                 const BigInt& gy, const BigInt& order, const BigInt& cofactor)
    : g_(EC_GROUP_new_curve_GFp(p.raw(), a.raw(), b.raw(), ThreadBnCtx())) {
  if (g_ == nullptr) throw std::bad_alloc();
  EcPoint gen(g_);
  CheckOk(EC_POINT_set_affine_coordinates(g_, gen.raw(), gx.raw(), gy.raw(), ThreadBnCtx()));
  CheckOk(EC_GROUP_set_generator(g_, gen.raw(), order.raw(), cofactor.raw()));
  Init();
}

void EcGroup::Init() {
  CheckOk(EC_GROUP_get_curve(g_, p_.raw(), nullptr, nullptr, ThreadBnCtx()));
  CheckOk(EC_GROUP_get_order(g_, order_.raw(), ThreadBnCtx()));
  coord_bytes_ = static_cast<size_t>((p_.BitLength() + 7) / 8);
  gen_ = new EcPoint(g_);
  CheckOk(EC_POINT_copy(gen_->raw(), EC_GROUP_get0_generator(g_)));
}

EcGroup::~EcGroup() {
  delete gen_;
  EC_GROUP_free(g_);
}

const EcGroup& EcGroup::P256() {
  static const EcGroup g(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  return g;
}

EcPoint EcGroup::Infinity() const {
  EcPoint r(g_);
  CheckOk(EC_POINT_set_to_infinity(g_, r.raw()));
  return r;
}

Result<EcPoint> EcGroup::Decode(ByteView bytes, bool check_order) const {
  if (bytes.size() != PointBytes()) return Error::kBadLength;
  if (bytes[0] != 0x04) return Error::kBadPointEncoding;
  BigInt x = BigInt::FromBytes(bytes.Sub(1, coord_bytes_));
  BigInt y = BigInt::FromBytes(bytes.Sub(1 + coord_bytes_, coord_bytes_));
  if (x >= p_ || y >= p_) return Error::kFieldElementTooLarge;
  EcPoint r(g_);
  // EC_POINT_set_affine_coordinates refuses off-curve points; check explicitly to say so.
  if (EC_POINT_set_affine_coordinates(g_, r.raw(), x.raw(), y.raw(), ThreadBnCtx()) != 1 ||
      EC_POINT_is_on_curve(g_, r.raw(), ThreadBnCtx()) != 1)
    return Error::kPointNotOnCurve;
  if (IsInfinity(r)) return Error::kPointAtInfinity;
  if (check_order && !InPrimeOrderSubgroup(r)) return Error::kPointNotOnCurve;
  return r;
}

Bytes EcGroup::Encode(const EcPoint& pt) const {
  Bytes out(PointBytes());
  size_t n = EC_POINT_point2oct(g_, pt.raw(), POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                                ThreadBnCtx());
  if (n != out.size()) throw std::bad_alloc();
  return out;
}

void EcGroup::Affine(const EcPoint& pt, BigInt& x, BigInt& y) const {
  CheckOk(EC_POINT_get_affine_coordinates(g_, pt.raw(), x.raw(), y.raw(), ThreadBnCtx()));
}

EcPoint EcGroup::FromAffine(const BigInt& x, const BigInt& y) const {
  EcPoint r(g_);
  CheckOk(EC_POINT_set_affine_coordinates(g_, r.raw(), x.raw(), y.raw(), ThreadBnCtx()));
  return r;
}

EcPoint EcGroup::MulGen(const BigInt& k) const {
  BigInt s = k;
  s.SetConstTime();
  EcPoint r(g_);
  CheckOk(EC_POINT_mul(g_, r.raw(), s.raw(), nullptr, nullptr, ThreadBnCtx()));
  return r;
}

EcPoint EcGroup::Mul(const EcPoint& q, const BigInt& k) const {
  BigInt s = k;
  s.SetConstTime();
  EcPoint r(g_);
  CheckOk(EC_POINT_mul(g_, r.raw(), nullptr, q.raw(), s.raw(), ThreadBnCtx()));
  return r;
}

EcPoint EcGroup::MulGenAdd(const BigInt& a, const EcPoint& q, const BigInt& b) const {
  // Public scalars: one call lets OpenSSL interleave the two multiplications (wNAF).
  EcPoint r(g_);
  CheckOk(EC_POINT_mul(g_, r.raw(), a.raw(), q.raw(), b.raw(), ThreadBnCtx()));
  return r;
}

EcPoint EcGroup::Add(const EcPoint& a, const EcPoint& b) const {
  EcPoint r(g_);
  CheckOk(EC_POINT_add(g_, r.raw(), a.raw(), b.raw(), ThreadBnCtx()));
  return r;
}

bool EcGroup::IsInfinity(const EcPoint& a) const { return EC_POINT_is_at_infinity(g_, a.raw()) == 1; }

bool EcGroup::Equal(const EcPoint& a, const EcPoint& b) const {
  return EC_POINT_cmp(g_, a.raw(), b.raw(), ThreadBnCtx()) == 0;
}

bool EcGroup::InPrimeOrderSubgroup(const EcPoint& a) const {
  EcPoint r(g_);
  CheckOk(EC_POINT_mul(g_, r.raw(), nullptr, a.raw(), order_.raw(), ThreadBnCtx()));
  return IsInfinity(r);
}

}  // namespace mcx::crypto
