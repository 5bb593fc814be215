// Internal: RFC 6508 6.2.1 steps 2 and 3 together: R on the Edwards fixed-base tables
// (sakke_edwards.h) and g^r on the F_p^2 table (sakke_gt_table.h), their two inversions merged
// into one with Montgomery's trick.
#include "mcx/crypto/internal/sakke_fast.h"

namespace mcx::crypto::sakke::fast {

bool EncapsulationValues(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable* t2, const BigInt& k2,
                         const GPowTable& g, const BigInt& r, Affine& big_r, Fe& g_r) {
  const WeierstrassFraction f = MulFixedFraction(t1, k1, t2, k2);
  if (F().IsZero(f.den)) return false;
  const Fp2 v = g.PowProjective(r);
  // One inversion for both (Montgomery's trick): 1/(den Re), then 1/den and 1/Re from it.
  Fe both, inv, inv_den, inv_re;
  F().Mul(both, f.den, v.re);
  F().Inv(inv, both);
  F().Mul2(inv_den, inv, v.re, inv_re, inv, f.den);
  big_r = Finish(f, inv_den);
  F().Mul(g_r, v.im, inv_re);
  return true;
}

}  // namespace mcx::crypto::sakke::fast
