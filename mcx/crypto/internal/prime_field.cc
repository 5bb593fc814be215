#include "mcx/crypto/internal/prime_field.h"

#include <openssl/bn.h>

#include <new>

namespace mcx::crypto {

namespace {
void CheckOk(int rc) {
  if (rc != 1) throw std::bad_alloc();
}
}  // namespace

PrimeField::PrimeField(const BigInt& p)
    : p_(p), width_(static_cast<size_t>((p.BitLength() + 7) / 8)), mont_(BN_MONT_CTX_new()) {
  if (mont_ == nullptr) throw std::bad_alloc();
  CheckOk(BN_MONT_CTX_set(mont_, p_.raw(), ThreadBnCtx()));
  one_ = FromInt(BigInt(1));
}

PrimeField::~PrimeField() { BN_MONT_CTX_free(mont_); }

FpElem PrimeField::FromInt(const BigInt& a) const {
  FpElem r;
  CheckOk(BN_to_montgomery(r.v_.raw(), a.raw(), mont_, ThreadBnCtx()));
  return r;
}

BigInt PrimeField::ToInt(const FpElem& a) const {
  BigInt r;
  CheckOk(BN_from_montgomery(r.raw(), a.v_.raw(), mont_, ThreadBnCtx()));
  return r;
}

Result<FpElem> PrimeField::Decode(ByteView bytes) const {
  if (bytes.size() != width_) return Error::kBadLength;
  BigInt a = BigInt::FromBytes(bytes);
  if (a >= p_) return Error::kFieldElementTooLarge;
  return FromInt(a);
}

Bytes PrimeField::Encode(const FpElem& a) const { return ToInt(a).ToFixedBytes(width_); }

FpElem PrimeField::Zero() const { return FpElem(); }

void PrimeField::Add(FpElem& r, const FpElem& a, const FpElem& b) const {
  CheckOk(BN_mod_add_quick(r.v_.raw(), a.v_.raw(), b.v_.raw(), p_.raw()));
}

void PrimeField::Sub(FpElem& r, const FpElem& a, const FpElem& b) const {
  CheckOk(BN_mod_sub_quick(r.v_.raw(), a.v_.raw(), b.v_.raw(), p_.raw()));
}

void PrimeField::Neg(FpElem& r, const FpElem& a) const {
  if (a.v_.IsZero()) {
    r.v_ = BigInt();
    return;
  }
  CheckOk(BN_sub(r.v_.raw(), p_.raw(), a.v_.raw()));
}

void PrimeField::Mul(FpElem& r, const FpElem& a, const FpElem& b) const {
  CheckOk(BN_mod_mul_montgomery(r.v_.raw(), a.v_.raw(), b.v_.raw(), mont_, ThreadBnCtx()));
}

void PrimeField::Inv(FpElem& r, const FpElem& a) const {
  // Fermat-free: leave Montgomery form, invert (constant-time path), and come back.
  BigInt x = ToInt(a);
  r = FromInt(BigInt::ModInverse(x, p_));
}

}  // namespace mcx::crypto
