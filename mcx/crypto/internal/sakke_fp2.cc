// Internal (SAKKE fast paths): batch inversion in F_p, and F_p^2 / PF_p arithmetic (RFC 6508 2.1:
// F_p^2 = F_p[i] with i^2 = -1; PF_p values as Im/Re). PfPowMul is the variable-time power the
// RSK check of RFC 6508 6.1.2 uses on public values.
#include "mcx/crypto/internal/sakke_fp2.h"

namespace mcx::crypto::sakke::fast {

void BatchInvert(std::vector<Fe>& xs) {
  if (xs.empty()) return;
  std::vector<Fe> prefix(xs.size());
  prefix[0] = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) F().Mul(prefix[i], prefix[i - 1], xs[i]);
  Fe inv;
  F().Inv(inv, prefix.back());
  for (size_t i = xs.size(); i-- > 1;) {
    Fe xi;
    F().Mul(xi, inv, prefix[i - 1]);
    F().Mul(inv, inv, xs[i]);
    xs[i] = xi;
  }
  xs[0] = inv;
}

void Fp2Sqr(Fp2& r, const Fp2& a) {
  Fe s, d, t;
  F().Add(s, a.re, a.im);
  F().Sub(d, a.re, a.im);
  F().Mul2(t, a.re, a.im, r.re, s, d);
  F().Dbl(r.im, t);
}

void Fp2Mul(Fp2& r, const Fp2& a, const Fp2& b) {
  Fe ac, bd, s1, s2, m;
  F().Add(s1, a.re, a.im);
  F().Add(s2, b.re, b.im);
  F().Mul3(ac, a.re, b.re, bd, a.im, b.im, m, s1, s2);
  F().Sub(r.re, ac, bd);
  F().Sub(m, m, ac);
  F().Sub(r.im, m, bd);
}

bool Project(const Fp2& v, Fe& out) {
  if (F().IsZero(v.re)) return false;
  Fe inv;
  F().Inv(inv, v.re);
  F().Mul(out, v.im, inv);
  return true;
}

Fe PfPowMul(const Fe& a, const BigInt& e, const Fe& c) {
  // Left to right over e's bits; multiplying by 1 + i s takes two products.
  auto times = [](Fp2& v, const Fe& s) {  // (x + i y)(1 + i s) = (x - y s) + i (y + x s)
    Fe ys, xs;
    F().Mul2(ys, v.im, s, xs, v.re, s);
    F().Sub(v.re, v.re, ys);
    F().Add(v.im, v.im, xs);
  };
  Fp2 v{F().One(), Fp::Zero()};
  for (int i = e.BitLength() - 1; i >= 0; --i) {
    Fp2Sqr(v, v);
    if (e.Bit(i)) times(v, a);
  }
  times(v, c);
  Fe out;
  if (!Project(v, out)) return Fp::Zero();  // Re = 0: not an element of order q
  return out;
}

}  // namespace mcx::crypto::sakke::fast
