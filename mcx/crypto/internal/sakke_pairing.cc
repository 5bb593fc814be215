// Internal (SAKKE fast paths): the reduced Tate-Lichtenbaum pairing of RFC 6508 3.2 on E[q],
// with the distortion map psi(x, y) = (-x, i y): a Miller loop over the NAF of q - 1 with the
// running point in Jacobian coordinates (a = -3), each line the RFC's affine line times a power
// of Z (an F_p factor, which PF_p ignores), and the final exponentiation (p^2 - 1)/q reduced to
// its (p + 1)/q = 4 part in PF_p. The line table runs the point arithmetic once for a fixed R.
#include "mcx/crypto/internal/sakke_pairing.h"

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/internal/sakke_recoding.h"

namespace mcx::crypto::sakke::fast {

namespace {

/// What a Miller doubling step leaves for its line: M = 3(X - Z^2)(X + Z^2), and of the point
/// before the step X, Z^2 and Y^2; the new point's Z is 2 Y Z.
struct Doubled {
  Fe m, x, z2, y2;
};

/// C = [2]C (a = -3) with the intermediate values of the tangent line.
void MillerDouble(Jacobian& c, Doubled& d) {
  Fe t1, t2, s;
  d.x = c.X;
  F().Sqr(d.z2, c.Z);
  F().Sub(t1, c.X, d.z2);
  F().Add(t2, c.X, d.z2);
  F().Mul(d.m, t1, t2);
  F().Dbl(t1, d.m);
  F().Add(d.m, t1, d.m);
  F().Sqr(d.y2, c.Y);
  Fe z3;
  F().Mul(z3, c.Y, c.Z);
  F().Dbl(z3, z3);  // Z' = 2 Y Z
  F().Mul(s, c.X, d.y2);
  F().Dbl(s, s);
  F().Dbl(s, s);  // S = 4 X Y^2
  F().Sqr(t1, d.m);
  F().Dbl(t2, s);
  F().Sub(c.X, t1, t2);  // X' = M^2 - 2S
  F().Sub(t1, s, c.X);
  F().Mul(t1, d.m, t1);
  F().Sqr(t2, d.y2);
  F().Dbl(t2, t2);
  F().Dbl(t2, t2);
  F().Dbl(t2, t2);
  F().Sub(c.Y, t1, t2);  // Y' = M (S - X') - 8 Y^4
  c.Z = z3;
}

/// What a Miller addition step leaves for its line: H = Rx Z^2 - X, rr = Ry Z^3 - Y and the
/// point before the step (X, Y, Z, Z^2).
struct Added {
  Fe h, rr, x, y, z, z2;
};

/// C = C + R (R affine). False if C = +-R (R not of order q).
bool MillerAdd(Jacobian& c, const Affine& r, Added& a) {
  Fe z3, h2, h3, u1h2, t1, t2;
  a.x = c.X;
  a.y = c.Y;
  a.z = c.Z;
  F().Sqr(a.z2, c.Z);
  F().Mul(z3, a.z2, c.Z);
  F().Mul(a.h, r.x, a.z2);
  F().Sub(a.h, a.h, c.X);
  F().Mul(a.rr, r.y, z3);
  F().Sub(a.rr, a.rr, c.Y);
  if (F().IsZero(a.h)) return false;
  F().Sqr(h2, a.h);
  F().Mul(h3, h2, a.h);
  F().Mul(u1h2, c.X, h2);
  F().Sqr(t1, a.rr);
  F().Sub(t1, t1, h3);
  F().Dbl(t2, u1h2);
  F().Sub(c.X, t1, t2);  // X' = r^2 - H^3 - 2 X H^2
  F().Sub(t2, u1h2, c.X);
  F().Mul(t2, a.rr, t2);
  F().Mul(t1, a.y, h3);
  F().Sub(c.Y, t2, t1);  // Y' = r (X H^2 - X') - Y H^3
  F().Mul(c.Z, a.z, a.h);  // Z' = Z H
  return true;
}

}  // namespace

bool Pairing(const Affine& r_in, const Affine& q, const BigInt& e, Fe& out) {
  // Projective Miller loop over the NAF of e. Each line is the RFC 6508 3.2 affine line scaled by
  // a power of Z (an F_p factor, which PF_p ignores); a digit -1 adds -R (the line with -Ry).
  // The point step, its line and v's update are one computation: its independent products go
  // in batches (MulBatch interleaves them on IFMA).
  const std::vector<int8_t> naf = Naf(e);
  Affine neg_r = r_in;
  F().Neg(neg_r.y, r_in.y);
  Jacobian c{r_in.x, r_in.y, F().One()};
  Fp2 v{F().One(), Fp::Zero()}, line;
  for (size_t i = 1; i < naf.size(); ++i) {
    // Doubling (a = -3): M = 3(X - Z^2)(X + Z^2), S = 4 X Y^2, X' = M^2 - 2S,
    // Y' = M (S - X') - 8 Y^4, Z' = 2 Y Z; the tangent line times Z^6:
    //   re = M (Qx Z^2 + X) - 2 Y^2, im = Z' Z^2 Qy; and v = v^2 * line.
    Fe z2, y2, yz, vt, vr, vs, vd, t1, t2, m, s, y4, qz, zz, mm, lre, lim, y3, ac, bd, m2, s1, s2;
    F().Add(vs, v.re, v.im);
    F().Sub(vd, v.re, v.im);
    Batch({{&z2, &c.Z, &c.Z}, {&y2, &c.Y, &c.Y}, {&yz, &c.Y, &c.Z}, {&vt, &v.re, &v.im}});
    F().Sub(t1, c.X, z2);
    F().Add(t2, c.X, z2);
    Batch({{&m, &t1, &t2}, {&s, &c.X, &y2}, {&qz, &q.x, &z2}, {&zz, &yz, &z2}});
    F().Dbl(t1, m);
    F().Add(m, t1, m);  // M
    F().Dbl(s, s);
    F().Dbl(s, s);  // S
    F().Dbl(zz, zz);    // Z' Z^2
    F().Add(qz, qz, c.X);
    Batch({{&mm, &m, &m}, {&lre, &m, &qz}, {&lim, &zz, &q.y}, {&vr, &vs, &vd}});
    v.re = vr;
    F().Dbl(v.im, vt);  // v^2
    F().Dbl(t1, y2);
    F().Sub(line.re, lre, t1);
    line.im = lim;
    F().Dbl(t2, s);
    F().Sub(c.X, mm, t2);  // X'
    F().Sub(t1, s, c.X);
    F().Add(s1, v.re, v.im);
    F().Add(s2, line.re, line.im);
    Batch({{&y3, &m, &t1}, {&ac, &v.re, &line.re}, {&bd, &v.im, &line.im}, {&m2, &s1, &s2}, {&y4, &y2, &y2}});
    F().Dbl(y4, y4);
    F().Dbl(y4, y4);
    F().Dbl(y4, y4);
    F().Sub(c.Y, y3, y4);  // Y'
    F().Dbl(c.Z, yz);      // Z'
    F().Sub(v.re, ac, bd);
    F().Sub(m2, m2, ac);
    F().Sub(v.im, m2, bd);
    if (naf[i] != 0) {
      // Addition C + R: H = Rx Z^2 - X, rr = Ry Z^3 - Y, X' = rr^2 - H^3 - 2 X H^2,
      // Y' = rr (X H^2 - X') - Y H^3, Z' = Z H; the line times Z^3:
      //   re = Y (Qx + Rx) - Ry Z (X + Qx Z^2), im = -Qy Z H; and v = v * line.
      const Affine& r = naf[i] > 0 ? r_in : neg_r;
      Fe az2, yq, qyz, z3, hx, qz2, h, rr, h2, w, im, h3, u1h2, rr2, zh, w2, t3, yh3;
      F().Add(t1, q.x, r.x);
      Batch({{&az2, &c.Z, &c.Z}, {&yq, &c.Y, &t1}, {&qyz, &q.y, &c.Z}});
      Batch({{&z3, &az2, &c.Z}, {&hx, &r.x, &az2}, {&qz2, &q.x, &az2}});
      F().Sub(h, hx, c.X);
      if (F().IsZero(h)) return false;  // C = +-R: R is not of order q
      F().Add(qz2, qz2, c.X);
      Batch({{&rr, &r.y, &z3}, {&h2, &h, &h}, {&w, &qz2, &c.Z}, {&im, &qyz, &h}});
      F().Sub(rr, rr, c.Y);
      F().Neg(line.im, im);
      Batch({{&h3, &h2, &h}, {&u1h2, &c.X, &h2}, {&rr2, &rr, &rr}, {&zh, &c.Z, &h}, {&w2, &w, &r.y}});
      F().Sub(line.re, yq, w2);
      F().Sub(t1, rr2, h3);
      F().Dbl(t2, u1h2);
      F().Sub(t1, t1, t2);  // X'
      F().Sub(t3, u1h2, t1);
      F().Add(s1, v.re, v.im);
      F().Add(s2, line.re, line.im);
      Batch({{&t2, &rr, &t3}, {&yh3, &c.Y, &h3}, {&ac, &v.re, &line.re}, {&bd, &v.im, &line.im}, {&m2, &s1, &s2}});
      c.X = t1;
      F().Sub(c.Y, t2, yh3);
      c.Z = zh;
      F().Sub(v.re, ac, bd);
      F().Sub(m2, m2, ac);
      F().Sub(v.im, m2, bd);
    }
  }
  Fp2 tmp;
  Fp2Sqr(tmp, v);  // final exponentiation: the (p+1)/q = 4 part
  Fp2Sqr(v, tmp);
  return Project(v, out);
}

LineTable::LineTable(const Affine& r_in, const BigInt& e) {
  // The same loop's point arithmetic for R, run once; each line kept as A Qx + B + i Qy with the
  // affine slope A = lambda and B = lambda Cx - Cy: numerators now, denominators inverted in one
  // batch at the end.
  const std::vector<int8_t> naf = Naf(e);
  Affine neg_r = r_in;
  F().Neg(neg_r.y, r_in.y);
  std::vector<Fe> num_a, num_b, den;
  Jacobian c{r_in.x, r_in.y, F().One()};
  Fe a_num, b_num, d_val, t1;
  for (size_t i = 1; i < naf.size(); ++i) {
    // Doubling: lambda = M / (2 Y Z); with D = Z' Z^2: A = M Z^2 / D, B = (M X - 2 Y^2) / D.
    Doubled d;
    MillerDouble(c, d);
    F().Mul(a_num, d.m, d.z2);
    F().Mul(b_num, d.m, d.x);
    F().Dbl(t1, d.y2);
    F().Sub(b_num, b_num, t1);
    F().Mul(d_val, c.Z, d.z2);
    num_a.push_back(a_num);
    num_b.push_back(b_num);
    den.push_back(d_val);
    add_after_.push_back(naf[i] != 0 ? 1 : 0);
    if (naf[i] != 0) {
      // Addition: lambda = rr / (Z H); with D = Z H: A = rr / D, B = (rr Rx - Ry D) / D.
      const Affine& r = naf[i] > 0 ? r_in : neg_r;
      Added a;
      if (!MillerAdd(c, r, a)) valid_ = false;
      F().Mul(d_val, a.z, a.h);
      F().Mul(b_num, a.rr, r.x);
      F().Mul(t1, r.y, d_val);
      F().Sub(b_num, b_num, t1);
      num_a.push_back(a.rr);
      num_b.push_back(b_num);
      den.push_back(d_val);
    }
  }
  // The intermediate numerators and denominators derive from R (an RSK): wiped on every exit.
  auto wipe_work = [&] {
    for (auto* v : {&num_a, &num_b, &den}) SecureWipe(v->data(), v->size() * sizeof(Fe));
    SecureWipe(&c, sizeof c);
    SecureWipe(&neg_r, sizeof neg_r);
  };
  for (const Fe& x : den)
    if (F().IsZero(x)) valid_ = false;
  if (!valid_) {
    wipe_work();
    return;
  }
  BatchInvert(den);
  coeffs_.resize(2 * den.size());
  for (size_t i = 0; i < den.size(); ++i) {
    F().Mul(coeffs_[2 * i], num_a[i], den[i]);
    F().Mul(coeffs_[2 * i + 1], num_b[i], den[i]);
  }
  wipe_work();
}

LineTable::~LineTable() { SecureWipe(coeffs_.data(), coeffs_.size() * sizeof(Fe)); }

bool LineTable::Evaluate(const Affine& q, Fe& out) const {
  if (!valid_) return false;
  // Per doubling step: v = v^2 and the line's A Qx in one batch of three products, then
  // v *= (A Qx + B) + i Qy in another: (a + i b)(c + i y) = (a c - b y) + i ((a + b)(c + y) - a c - b y).
  // An addition step's A Qx joins the second batch.
  Fp2 v{F().One(), Fp::Zero()};
  size_t k = 0;
  Fe s, d, t, re, c, c2, ac, by, mm, s1, s2;
  auto apply_line = [&](const Fe& cc) {  // v *= cc + i Qy, given cc = A Qx + B
    F().Add(s1, v.re, v.im);
    F().Add(s2, cc, q.y);
    F().Mul3(ac, v.re, cc, by, v.im, q.y, mm, s1, s2);
    F().Sub(v.re, ac, by);
    F().Sub(mm, mm, ac);
    F().Sub(v.im, mm, by);
  };
  for (uint8_t add : add_after_) {
    F().Add(s, v.re, v.im);
    F().Sub(d, v.re, v.im);
    F().Mul3(t, v.re, v.im, re, s, d, c, coeffs_[k], q.x);
    v.re = re;
    F().Dbl(v.im, t);
    F().Add(c, c, coeffs_[k + 1]);
    k += 2;
    if (!add) {
      apply_line(c);
      continue;
    }
    F().Add(s1, v.re, v.im);
    F().Add(s2, c, q.y);
    Fe* r4[4] = {&ac, &by, &mm, &c2};
    const Fe* a4[4] = {&v.re, &v.im, &s1, &coeffs_[k]};
    const Fe* b4[4] = {&c, &q.y, &s2, &q.x};
    F().Mul4(r4, a4, b4);
    F().Sub(v.re, ac, by);
    F().Sub(mm, mm, ac);
    F().Sub(v.im, mm, by);
    F().Add(c2, c2, coeffs_[k + 1]);
    k += 2;
    apply_line(c2);
  }
  Fp2 tmp;
  Fp2Sqr(tmp, v);
  Fp2Sqr(v, tmp);
  return Project(v, out);
}

}  // namespace mcx::crypto::sakke::fast
