// Internal (SAKKE fast paths): fixed-base scalar multiplication with signed-window tables,
// selected in constant time, for P and each KMS public key Z: R = [r b]P + [r]Z of RFC 6508
// 6.2.1 step 2 with 296 additions and 7 doublings; also Z = [z]P (2.2), the RSK (6.1.1) and the
// check of 6.2.2 step 4. The loops add on an Edwards form of E (complete formulas, 9 products per
// addition; sakke_edwards.cc has the map and the sources of its formulas).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mcx/crypto/internal/sakke_point.h"

namespace mcx::crypto::sakke::fast {

/// Signed-window table of a fixed base point, w = 7: row j holds [m 2^(2 w j)]B for
/// m = 1..2^(w-1), as affine points of the Edwards form (sakke_edwards.cc). Rows cover the even
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

/// The point of E an Edwards point stands for, as fractions over one denominator:
/// x = lambda (Z + Y) X / den, y = c lambda (Z + Y) Z / den, den = X (Z - Y). den = 0 for the
/// identity (and for the Edwards points of order 2 and 4, which E[q] never reaches).
struct WeierstrassFraction {
  Fe x_num, y_num, den;
};

/// [k1]B1 + [k2]B2 (just [k1]B1 when t2 is null) before its inversion, so that a caller can share
/// the inversion with another value (EncapsulationValues). Constant time in the scalars.
WeierstrassFraction MulFixedFraction(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable* t2,
                                     const BigInt& k2);

/// The affine point, given 1/den.
Affine Finish(const WeierstrassFraction& f, const Fe& inv_den);

}  // namespace mcx::crypto::sakke::fast
