// Internal (SAKKE fast paths): affine and Jacobian points of E: y^2 = x^3 - 3x (RFC 6508 2.1),
// with the doubling dbl-2001-b and the mixed addition madd-2007-bl of the Explicit-Formulas
// Database (short Weierstrass, a = -3, Jacobian coordinates) for building the fixed-base tables.
#include "mcx/crypto/internal/sakke_point.h"

namespace mcx::crypto::sakke::fast {

Affine FromEcPoint(const EcGroup& g, const EcPoint& p) {
  BigInt x, y;
  g.Affine(p, x, y);
  return Affine{F().FromBigInt(x), F().FromBigInt(y)};
}

Bytes Encode(const Affine& a) {
  Bytes out(1 + 2 * crypto::fast::kFeBytes);
  out[0] = 0x04;
  F().ToBytes(a.x, out.data() + 1);
  F().ToBytes(a.y, out.data() + 1 + crypto::fast::kFeBytes);
  return out;
}

Affine ToAffine(const Jacobian& p) {
  Fe zi, z2, z3;
  F().Inv(zi, p.Z);
  F().Sqr(z2, zi);
  F().Mul(z3, z2, zi);
  Affine a;
  F().Mul(a.x, p.X, z2);
  F().Mul(a.y, p.Y, z3);
  return a;
}

void Dbl(Jacobian& r, const Jacobian& p) {
  Fe delta, gamma, beta, alpha, t1, t2;
  F().Sqr(delta, p.Z);
  F().Sqr(gamma, p.Y);
  F().Mul(beta, p.X, gamma);
  F().Sub(t1, p.X, delta);
  F().Add(t2, p.X, delta);
  F().Mul(alpha, t1, t2);
  F().Add(t1, alpha, alpha);
  F().Add(alpha, alpha, t1);  // alpha = 3 (X - delta)(X + delta)
  Fe x3, beta4, beta8;
  F().Sqr(x3, alpha);
  F().Dbl(beta4, beta);
  F().Dbl(beta4, beta4);
  F().Dbl(beta8, beta4);
  F().Sub(x3, x3, beta8);
  Fe z3;
  F().Add(z3, p.Y, p.Z);
  F().Sqr(z3, z3);
  F().Sub(z3, z3, gamma);
  F().Sub(z3, z3, delta);
  Fe y3, g2;
  F().Sub(t1, beta4, x3);
  F().Mul(y3, alpha, t1);
  F().Sqr(g2, gamma);
  F().Dbl(g2, g2);
  F().Dbl(g2, g2);
  F().Dbl(g2, g2);
  F().Sub(y3, y3, g2);
  r.X = x3;
  r.Y = y3;
  r.Z = z3;
}

void AddMixed(Jacobian& r, const Jacobian& p, const Affine& q) {
  Fe z1z1, u2, s2, h, hh, i, j, rr, v, t, zh, rr2, y3;
  Batch({{&z1z1, &p.Z, &p.Z}, {&s2, &q.y, &p.Z}});
  Batch({{&u2, &q.x, &z1z1}, {&s2, &s2, &z1z1}});
  F().Sub(h, u2, p.X);
  F().Sub(rr, s2, p.Y);
  F().Dbl(rr, rr);
  F().Add(zh, p.Z, h);
  Batch({{&hh, &h, &h}, {&zh, &zh, &zh}});
  F().Dbl(i, hh);
  F().Dbl(i, i);
  Batch({{&j, &h, &i}, {&v, &p.X, &i}, {&rr2, &rr, &rr}});
  Jacobian o;
  F().Sub(o.X, rr2, j);
  F().Sub(o.X, o.X, v);
  F().Sub(o.X, o.X, v);
  F().Sub(t, v, o.X);
  Batch({{&y3, &rr, &t}, {&t, &p.Y, &j}});
  F().Dbl(t, t);
  F().Sub(o.Y, y3, t);
  F().Sub(t, zh, z1z1);
  F().Sub(o.Z, t, hh);
  r = o;  // r may alias p
}

std::vector<Affine> ToAffineBatch(const std::vector<Jacobian>& ps) {
  std::vector<Fe> zs(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) zs[i] = ps[i].Z;
  BatchInvert(zs);
  std::vector<Affine> out(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    Fe z2, z3;
    F().Sqr(z2, zs[i]);
    F().Mul(z3, z2, zs[i]);
    F().Mul(out[i].x, ps[i].X, z2);
    F().Mul(out[i].y, ps[i].Y, z3);
  }
  return out;
}

}  // namespace mcx::crypto::sakke::fast
