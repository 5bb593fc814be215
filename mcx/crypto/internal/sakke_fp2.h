// Internal (SAKKE fast paths): the field helpers every piece shares, on the fixed-width F_p of
// fp1024.h:
// - independent F_p products in one batch (MulBatch interleaves them on IFMA), and Montgomery's
//   trick for inverting many elements with one inversion;
// - F_p^2 = F_p[i] / (i^2 + 1) (RFC 6508 2.1: p = 3 mod 4, so -1 is not a square), and PF_p, the
//   quotient of F_p^2* by F_p* in which the pairing's values live: an element a + i b stands for
//   its class, represented by b / a (RFC 6508 2.1, 3.2).
#pragma once

#include <initializer_list>
#include <tuple>
#include <vector>

#include "mcx/crypto/internal/fp1024.h"

namespace mcx::crypto::sakke::fast {

using crypto::fast::Fe;
using crypto::fast::Fp;

struct Fp2 {
  Fe re, im;
};

inline const Fp& F() { return Fp::Sakke(); }

// Independent products in one batch (MulBatch interleaves them on IFMA).
inline void Batch(std::initializer_list<std::tuple<Fe*, const Fe*, const Fe*>> products) {
  Fe* r[8];
  const Fe* a[8];
  const Fe* b[8];
  int n = 0;
  for (const auto& [rr, aa, bb] : products) {
    r[n] = rr;
    a[n] = aa;
    b[n] = bb;
    ++n;
  }
  F().MulBatch(r, a, b, n);
}

/// Montgomery's trick: inverts all elements with one inversion (all must be non-zero).
void BatchInvert(std::vector<Fe>& xs);

/// r = a^2 in F_p^2 (r may alias a).
void Fp2Sqr(Fp2& r, const Fp2& a);
/// r = a b in F_p^2 (r may alias a or b).
void Fp2Mul(Fp2& r, const Fp2& a, const Fp2& b);

/// Im/Re of v (the PF_p representative). False if Re = 0.
bool Project(const Fp2& v, Fe& out);

/// The PF_p value of a^e c for PF_p values a and c (Im/Re) and a public exponent e (variable
/// time in e). 0 if the result has Re = 0 (no element of order q does).
Fe PfPowMul(const Fe& a, const BigInt& e, const Fe& c);

}  // namespace mcx::crypto::sakke::fast
