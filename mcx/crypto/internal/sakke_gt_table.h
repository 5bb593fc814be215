// Internal (SAKKE fast paths): g^r of RFC 6508 6.2.1 step 3 (the SSV mask's input) with a
// fixed-base table in F_p^2: signed 5-bit windows, each table entry stored as its PF_p value so
// that multiplying by it takes two products; constant time in r.
#pragma once

#include <vector>

#include "mcx/crypto/internal/sakke_fp2.h"

namespace mcx::crypto::sakke::fast {

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

}  // namespace mcx::crypto::sakke::fast
