// The reference RFC 6508 3.2 Tate-Lichtenbaum pairing for SAKKE parameter set 1, on BIGNUM: the
// straightforward version the fast paths (mcx/crypto/internal/sakke_fast.cc) are tested against.
//
// The Miller loop keeps the running point C in Jacobian coordinates (x = X/Z^2, y = Y/Z^3),
// so no step needs an inversion. Each line value is the RFC's affine line multiplied by a power
// of Z; such F_p factors vanish in PF_p = F_p^2* / F_p* (the representation Im/Re), exactly as
// the RFC's own scaling by 2Cy does.
#include "tests/support/reference_pairing.h"

#include <cstdlib>

namespace mcx::crypto::sakke {

namespace {

struct Fp2 {
  FpElem re, im;
};

// (a + ib)^2 = (a+b)(a-b) + i 2ab
void Fp2Sqr(const PrimeField& f, Fp2& r, const Fp2& a) {
  FpElem s, d, t;
  f.Add(s, a.re, a.im);
  f.Sub(d, a.re, a.im);
  f.Mul(t, a.re, a.im);
  f.Mul(r.re, s, d);
  f.Dbl(r.im, t);
}

// Karatsuba: (a+ib)(c+id) = (ac - bd) + i((a+b)(c+d) - ac - bd)
void Fp2Mul(const PrimeField& f, Fp2& r, const Fp2& a, const Fp2& b) {
  FpElem ac, bd, s1, s2, m;
  f.Mul(ac, a.re, b.re);
  f.Mul(bd, a.im, b.im);
  f.Add(s1, a.re, a.im);
  f.Add(s2, b.re, b.im);
  f.Mul(m, s1, s2);
  f.Sub(r.re, ac, bd);
  f.Sub(m, m, ac);
  f.Sub(r.im, m, bd);
}

}  // namespace

Result<FpElem> Pairing(const ParameterSet& ps, const EcPoint& r_pt, const EcPoint& q_pt) {
  const PrimeField& f = ps.fp;
  if (ps.curve.IsInfinity(r_pt) || ps.curve.IsInfinity(q_pt)) return Error::kPointAtInfinity;
  BigInt ax, ay;
  ps.curve.Affine(r_pt, ax, ay);
  const FpElem rx = f.FromInt(ax), ry = f.FromInt(ay);
  ps.curve.Affine(q_pt, ax, ay);
  const FpElem qx = f.FromInt(ax), qy = f.FromInt(ay);

  // C = R in Jacobian coordinates; v = 1.
  FpElem X = rx, Y = ry, Z = f.One();
  Fp2 v{f.One(), f.Zero()};
  Fp2 line, tmp;
  FpElem z2, z3, m, t1, t2, y2, s;

  const BigInt e = BigInt::Sub(ps.q, BigInt(1));
  for (int i = e.BitLength() - 2; i >= 0; --i) {
    // Doubling step: v = v^2 * l_{C,C}(psi(Q)), C = [2]C.
    // Affine line 3(Cx^2-1)(Qx+Cx) - 2Cy^2 + i 2 Cy Qy, times Z^6:
    //   re = M (Qx Z^2 + X) - 2 Y^2, im = (2 Y Z) Z^2 Qy, with M = 3(X - Z^2)(X + Z^2).
    f.Sqr(z2, Z);
    f.Sub(t1, X, z2);
    f.Add(t2, X, z2);
    f.Mul(m, t1, t2);
    f.Dbl(t1, m);
    f.Add(m, t1, m);             // M
    f.Mul(t1, qx, z2);
    f.Add(t1, t1, X);
    f.Mul(line.re, m, t1);
    f.Sqr(y2, Y);                // Y^2
    f.Dbl(t2, y2);
    f.Sub(line.re, line.re, t2);
    f.Mul(z3, Y, Z);
    f.Dbl(z3, z3);               // Z' = 2 Y Z
    f.Mul(t1, z3, z2);
    f.Mul(line.im, t1, qy);
    Fp2Sqr(f, tmp, v);
    Fp2Mul(f, v, tmp, line);
    // C = [2]C (a = -3): S = 4 X Y^2, X' = M^2 - 2S, Y' = M (S - X') - 8 Y^4.
    f.Mul(s, X, y2);
    f.Dbl(s, s);
    f.Dbl(s, s);
    f.Sqr(t1, m);
    f.Dbl(t2, s);
    f.Sub(X, t1, t2);
    f.Sub(t1, s, X);
    f.Mul(t1, m, t1);
    f.Sqr(t2, y2);
    f.Dbl(t2, t2);
    f.Dbl(t2, t2);
    f.Dbl(t2, t2);
    f.Sub(Y, t1, t2);
    Z = z3;

    if (e.Bit(i)) {
      // Addition step: v = v * l_{C,R}(psi(Q)), C = C + R (R affine).
      // Affine line (Qx+Rx) Cy - (Qx+Cx) Ry + i (Cx-Rx) Qy, times Z^3:
      //   re = Y (Qx + Rx) - Ry Z (X + Qx Z^2), im = -Qy Z H, with H = Rx Z^2 - X.
      FpElem h, rr, u1h2, h2, h3;
      f.Sqr(z2, Z);
      f.Mul(z3, z2, Z);
      f.Mul(h, rx, z2);
      f.Sub(h, h, X);              // H = Rx Z^2 - X
      f.Mul(rr, ry, z3);
      f.Sub(rr, rr, Y);            // r = Ry Z^3 - Y
      if (f.IsZero(h)) return Error::kPointAtInfinity;  // C = +-R: R is not of order q
      f.Add(t1, qx, rx);
      f.Mul(line.re, Y, t1);
      f.Mul(t1, qx, z2);
      f.Add(t1, t1, X);
      f.Mul(t1, t1, Z);
      f.Mul(t1, t1, ry);
      f.Sub(line.re, line.re, t1);
      f.Mul(t1, qy, Z);
      f.Mul(t1, t1, h);
      f.Neg(line.im, t1);
      Fp2Mul(f, tmp, v, line);
      v = tmp;
      // C = C + R: X' = r^2 - H^3 - 2 X H^2, Y' = r (X H^2 - X') - Y H^3, Z' = Z H.
      f.Sqr(h2, h);
      f.Mul(h3, h2, h);
      f.Mul(u1h2, X, h2);
      f.Sqr(t1, rr);
      f.Sub(t1, t1, h3);
      f.Dbl(t2, u1h2);
      f.Sub(t1, t1, t2);           // X'
      f.Sub(t2, u1h2, t1);
      f.Mul(t2, rr, t2);
      f.Mul(Y, Y, h3);
      f.Sub(Y, t2, Y);
      X = t1;
      f.Mul(Z, Z, h);
    }
  }
  // Final exponentiation: v^((p^2-1)/q) = (v^(p-1))^((p+1)/q); the (p-1) part is implicit in
  // the Im/Re representation and (p+1)/q = 4.
  Fp2Sqr(f, tmp, v);
  Fp2Sqr(f, v, tmp);
  if (f.IsZero(v.re)) return Error::kPointAtInfinity;
  FpElem inv, w;
  f.Inv(inv, v.re);
  f.Mul(w, v.im, inv);
  return w;
}

FpElem PfpPow(const ParameterSet& ps, const FpElem& g, const BigInt& k) {
  const PrimeField& f = ps.fp;
  // Left-to-right square and always multiply by (1 + i g): x(1+ig) = (re - g im) + i(im + g re).
  Fp2 acc{f.One(), f.Zero()}, sq, prod;
  FpElem t;
  const int bits = ps.q.BitLength();  // k < q: a fixed number of iterations for every k
  for (int i = bits - 1; i >= 0; --i) {
    Fp2Sqr(f, sq, acc);
    f.Mul(t, g, sq.im);
    f.Sub(prod.re, sq.re, t);
    f.Mul(t, g, sq.re);
    f.Add(prod.im, sq.im, t);
    acc = k.Bit(i) ? prod : sq;
  }
  FpElem inv, w;
  f.Inv(inv, acc.re);
  f.Mul(w, acc.im, inv);
  return w;
}

}  // namespace mcx::crypto::sakke
