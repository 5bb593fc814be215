// Internal: prime-field arithmetic in Montgomery form (BN_MONT_CTX behind our types).
#pragma once

#include "mcx/crypto/internal/bigint.h"

struct bn_mont_ctx_st;

namespace mcx::crypto {

/// An element of F_p held in Montgomery form. Only meaningful with the PrimeField that made it.
class FpElem {
 public:
  FpElem() = default;

 private:
  friend class PrimeField;
  BigInt v_;
};

class PrimeField {
 public:
  explicit PrimeField(const BigInt& p);
  ~PrimeField();
  PrimeField(const PrimeField&) = delete;
  PrimeField& operator=(const PrimeField&) = delete;

  const BigInt& Modulus() const { return p_; }
  size_t ByteWidth() const { return width_; }

  /// a must be in [0, p).
  FpElem FromInt(const BigInt& a) const;
  BigInt ToInt(const FpElem& a) const;
  /// Errors: kBadLength (not ByteWidth() bytes), kFieldElementTooLarge (>= p).
  Result<FpElem> Decode(ByteView bytes) const;
  Bytes Encode(const FpElem& a) const;

  FpElem Zero() const;
  FpElem One() const { return one_; }

  void Add(FpElem& r, const FpElem& a, const FpElem& b) const;
  void Sub(FpElem& r, const FpElem& a, const FpElem& b) const;
  void Neg(FpElem& r, const FpElem& a) const;
  void Dbl(FpElem& r, const FpElem& a) const { Add(r, a, a); }
  void Mul(FpElem& r, const FpElem& a, const FpElem& b) const;
  void Sqr(FpElem& r, const FpElem& a) const { Mul(r, a, a); }
  /// a != 0.
  void Inv(FpElem& r, const FpElem& a) const;
  bool IsZero(const FpElem& a) const { return a.v_.IsZero(); }
  bool Equal(const FpElem& a, const FpElem& b) const { return a.v_ == b.v_; }

 private:
  BigInt p_;
  size_t width_;
  bn_mont_ctx_st* mont_;
  FpElem one_;
};

}  // namespace mcx::crypto
