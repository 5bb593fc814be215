// Internal: the fast paths of SAKKE parameter set 1 on fixed-width arithmetic (fp1024.h).
// - curve arithmetic in Jacobian coordinates (a = -3) for the tables and the Miller loop;
// - fixed-base scalar multiplication with signed-window tables, selected in constant time (for
//   P and each KMS public key Z): [r b]P + [r]Z with 296 additions and 7 doublings, on an
//   Edwards form of the curve (complete formulas, 9 products per addition);
// - g^r with a fixed-base table in F_p^2, and one shared inversion for R and g^r;
// - the Tate-Lichtenbaum pairing: a projective Miller loop, and for a fixed first argument
//   (an RSK) a precomputed table of line coefficients, so each decapsulation only evaluates.
// The straightforward BIGNUM/OpenSSL path (pairing.cc) stays as the reference the tests compare
// against.
#pragma once

#include <memory>
#include <vector>

#include "mcx/crypto/internal/ec_group.h"
#include "mcx/crypto/internal/fp1024.h"

namespace mcx::crypto::sakke::fast {

using crypto::fast::Fe;
using crypto::fast::Fp;

struct Affine {
  Fe x, y;
};
struct Jacobian {
  Fe X, Y, Z;
};
struct Fp2 {
  Fe re, im;
};

Affine FromEcPoint(const EcGroup& g, const EcPoint& p);
/// 0x04 || x || y.
Bytes Encode(const Affine& a);
Affine ToAffine(const Jacobian& p);

/// Signed-window table of a fixed base point, w = 7: row j holds [m 2^(2 w j)]B for
/// m = 1..2^(w-1), as affine points of the Edwards form (sakke_fast.cc). Rows cover the even
/// digit positions; the odd ones use the same rows and are shifted by 2^w once at the end
/// (seven doublings), which halves the table (1.2 MB).
class FixedBaseTable {
 public:
  explicit FixedBaseTable(const Affine& base);
  /// The signed digits of 0 <= k < 2^1024, one per position, computed without branches on k.
  static std::vector<int8_t> Recode(const BigInt& k);
  /// [digit 2^(2 w j)]B (Edwards affine) for a digit of Recode, read in constant time (the
  /// identity (0, 1) for digit 0).
  void Read(int j, int digit, Affine& out) const;
  size_t Bytes() const { return entries_.size() * sizeof(Affine); }

 private:
  std::vector<Affine> entries_;  ///< rows x 2^(w-1)
};

/// [k]B for a fixed base (constant time in k; four accumulations whose additions share batches).
/// Result affine; false if it is the identity.
bool MulFixed(const FixedBaseTable& t, const BigInt& k, Affine& out);

/// [k]B + A for a fixed base B and a point A of E[q]. False if the sum is the identity.
bool MulFixedPlus(const FixedBaseTable& t, const BigInt& k, const Affine& a, Affine& out);

/// [k1]B1 + [k2]B2 for two fixed bases (constant time in k1, k2). Result affine; false if the
/// sum is the identity.
bool MulFixed2(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable& t2, const BigInt& k2,
               Affine& out);

/// Fixed-base exponentiation of g in PF_p (signed 5-bit windows, constant time in k).
class GPowTable {
 public:
  explicit GPowTable(const Fe& g);
  /// Im/Re of (1 + i g)^k.
  Fe Pow(const BigInt& k) const;
  /// (1 + i g)^k up to a factor in F_p* (its PF_p value is Im/Re), without the inversion.
  Fp2 PowProjective(const BigInt& k) const;

 private:
  std::vector<Fe> entries_;  ///< positions x 16, each the PF_p value of its power (Im/Re)
};

/// RFC 6508 6.2.1 steps 2 and 3 on fixed-base tables, the two results sharing one inversion:
/// R = [k1]B1 + [k2]B2 (R = [k1]B1 when t2 is null), affine, and g^r in PF_p. Constant time in
/// the scalars. False if R is the identity.
bool EncapsulationValues(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable* t2, const BigInt& k2,
                         const GPowTable& g, const BigInt& r, Affine& big_r, Fe& g_r);

/// The PF_p value of a^e c for PF_p values a and c (Im/Re) and a public exponent e (variable
/// time in e). 0 if the result has Re = 0 (no element of order q does).
Fe PfPowMul(const Fe& a, const BigInt& e, const Fe& c);

/// <R, Q> in PF_p representation (Im/Re), projective Miller loop. False if degenerate.
bool Pairing(const Affine& r, const Affine& q, const BigInt& q_minus_1, Fe& out);

/// The line coefficients of the Miller loop for a fixed first argument R (an RSK):
/// each line at psi(Q) is A Qx + B + i Qy. Evaluating is then ~6 multiplications per bit.
class LineTable {
 public:
  LineTable(const Affine& r, const BigInt& q_minus_1);
  /// <R, Q> in PF_p representation. False if degenerate.
  bool Evaluate(const Affine& q, Fe& out) const;
  size_t Bytes() const { return coeffs_.size() * sizeof(Fe); }

 private:
  std::vector<Fe> coeffs_;  ///< A, B per step, doubling steps and addition steps in loop order
  std::vector<uint8_t> add_after_;  ///< per doubling step: is it followed by an addition step
  bool valid_ = true;
};

}  // namespace mcx::crypto::sakke::fast
