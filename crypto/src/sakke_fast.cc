#include "sakke_fast.h"

#include <cstring>

namespace mcx::crypto::sakke::fast {

namespace {

constexpr int kWindow = 7;                      // signed digits in (-64, 64]
constexpr int kHalf = 1 << (kWindow - 1);       // table entries per position
constexpr int kPositions = (1024 + kWindow - 1) / kWindow + 1;
constexpr int kGWindow = 4;                     // unsigned digits 0..15 for g^k
constexpr int kGPositions = 1024 / kGWindow;

const Fp& F() { return Fp::Sakke(); }

void Fp2Sqr(Fp2& r, const Fp2& a) {
  Fe s, d, t;
  F().Add(s, a.re, a.im);
  F().Sub(d, a.re, a.im);
  F().Mul(t, a.re, a.im);
  F().Mul(r.re, s, d);
  F().Dbl(r.im, t);
}

void Fp2Mul(Fp2& r, const Fp2& a, const Fp2& b) {
  Fe ac, bd, s1, s2, m;
  F().Mul(ac, a.re, b.re);
  F().Mul(bd, a.im, b.im);
  F().Add(s1, a.re, a.im);
  F().Add(s2, b.re, b.im);
  F().Mul(m, s1, s2);
  F().Sub(r.re, ac, bd);
  F().Sub(m, m, ac);
  F().Sub(r.im, m, bd);
}

void Fp2Select(Fp2& r, const Fp2& a, const Fp2& b, bool choose) {
  Fp::Select(r.re, a.re, b.re, choose);
  Fp::Select(r.im, a.im, b.im, choose);
}

/// Im/Re of v (the PF_p representative). False if Re = 0.
bool Project(const Fp2& v, Fe& out) {
  if (F().IsZero(v.re)) return false;
  Fe inv;
  F().Inv(inv, v.re);
  F().Mul(out, v.im, inv);
  return true;
}

// Point doubling, a = -3 (dbl-2001-b): 3M + 5S.
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

// Mixed addition p + q (q affine, p != +-q, p not at infinity): 7M + 4S.
void AddMixed(Jacobian& r, const Jacobian& p, const Affine& q) {
  Fe z1z1, u2, s2, h, hh, i, j, rr, v, t;
  F().Sqr(z1z1, p.Z);
  F().Mul(u2, q.x, z1z1);
  F().Mul(s2, q.y, p.Z);
  F().Mul(s2, s2, z1z1);
  F().Sub(h, u2, p.X);
  F().Sqr(hh, h);
  F().Dbl(i, hh);
  F().Dbl(i, i);
  F().Mul(j, h, i);
  F().Sub(rr, s2, p.Y);
  F().Dbl(rr, rr);
  F().Mul(v, p.X, i);
  Jacobian o;
  F().Sqr(o.X, rr);
  F().Sub(o.X, o.X, j);
  F().Sub(o.X, o.X, v);
  F().Sub(o.X, o.X, v);
  F().Sub(t, v, o.X);
  F().Mul(o.Y, rr, t);
  F().Mul(t, p.Y, j);
  F().Dbl(t, t);
  F().Sub(o.Y, o.Y, t);
  F().Add(t, p.Z, h);
  F().Sqr(t, t);
  F().Sub(t, t, z1z1);
  F().Sub(o.Z, t, hh);
  r = o;
}

// Montgomery's trick: inverts all elements with one inversion (all must be non-zero).
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

/// Non-adjacent form of e, most significant digit first (digits -1, 0, 1; the first is 1).
/// Bit by bit: a position holding 1 becomes -1 (with a carry) when the next bit is also 1.
std::vector<int8_t> Naf(const BigInt& e) {
  const int n = e.BitLength();
  std::vector<int8_t> lsb_first;
  int carry = 0;
  for (int i = 0; i <= n; ++i) {
    const int b = (e.Bit(i) ? 1 : 0) + carry;
    const int next = i + 1 < n && e.Bit(i + 1) ? 1 : 0;
    int8_t digit = 0;
    if (b == 1) {
      digit = next ? -1 : 1;
      carry = next;
    } else {
      carry = b == 2 ? 1 : 0;
    }
    lsb_first.push_back(digit);
  }
  while (!lsb_first.empty() && lsb_first.back() == 0) lsb_first.pop_back();
  return std::vector<int8_t>(lsb_first.rbegin(), lsb_first.rend());
}

int Bits(const BigInt& k, int from, int count) {
  int v = 0;
  for (int b = count - 1; b >= 0; --b) v = v << 1 | (k.Bit(from + b) ? 1 : 0);
  return v;
}

}  // namespace

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

bool Equals(const Jacobian& p, const Affine& q) {
  Fe z2, z3, x, y;
  F().Sqr(z2, p.Z);
  F().Mul(z3, z2, p.Z);
  F().Mul(x, q.x, z2);
  F().Mul(y, q.y, z3);
  return !F().IsZero(p.Z) && F().Equal(x, p.X) && F().Equal(y, p.Y);
}

FixedBaseTable::FixedBaseTable(const Affine& base) {
  std::vector<Jacobian> jac;
  jac.reserve(static_cast<size_t>(kPositions) * kHalf);
  Jacobian b{base.x, base.y, F().One()};
  for (int j = 0; j < kPositions; ++j) {
    // [m 2^(wj)]B for m = 1..2^(w-1), then the next position's base [2^(w(j+1))]B.
    const Affine bj = ToAffine(b);
    Jacobian acc = b;
    jac.push_back(acc);
    for (int m = 2; m <= kHalf; ++m) {
      if (m == 2)
        Dbl(acc, acc);
      else
        AddMixed(acc, acc, bj);
      jac.push_back(acc);
    }
    Dbl(b, acc);  // 2 * 2^(w-1) = 2^w
  }
  entries_ = ToAffineBatch(jac);
}

void FixedBaseTable::Accumulate(Jacobian& acc, uint64_t& acc_infinity, const BigInt& k) const {
  int carry = 0;
  for (int j = 0; j < kPositions; ++j) {
    // Signed digit in (-2^(w-1), 2^(w-1)], recoded without branches on k.
    const int v = Bits(k, j * kWindow, kWindow) + carry;
    const int neg = ((kHalf - v) >> 31) & 1;  // v > half
    const int d = v - (neg << kWindow);
    carry = neg;
    const int sign = (d >> 31) & 1;
    const int abs = (d ^ -sign) + sign;
    Affine sel{};
    const Affine* row = &entries_[static_cast<size_t>(j) * kHalf];
    for (int m = 1; m <= kHalf; ++m) {  // constant-time table scan
      const bool hit = m == abs;
      Fp::Select(sel.x, sel.x, row[m - 1].x, hit);
      Fp::Select(sel.y, sel.y, row[m - 1].y, hit);
    }
    Fe ny;
    F().Neg(ny, sel.y);
    Fp::Select(sel.y, sel.y, ny, sign != 0);
    Jacobian sum;
    AddMixed(sum, acc, sel);
    const Jacobian first{sel.x, sel.y, F().One()};
    const bool zero = abs == 0;
    const bool inf = acc_infinity != 0;
    Fp::Select(sum.X, sum.X, first.X, inf);  // acc was the identity: the sum is the selected point
    Fp::Select(sum.Y, sum.Y, first.Y, inf);
    Fp::Select(sum.Z, sum.Z, first.Z, inf);
    Fp::Select(acc.X, sum.X, acc.X, zero);  // digit 0: keep acc
    Fp::Select(acc.Y, sum.Y, acc.Y, zero);
    Fp::Select(acc.Z, sum.Z, acc.Z, zero);
    acc_infinity &= static_cast<uint64_t>(zero);
  }
}

bool MulFixed(const FixedBaseTable& t, const BigInt& k, Affine& out) {
  Jacobian acc{F().One(), F().One(), Fp::Zero()};
  uint64_t inf = 1;
  t.Accumulate(acc, inf, k);
  if (inf || F().IsZero(acc.Z)) return false;
  out = ToAffine(acc);
  return true;
}

bool MulFixed2(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable& t2, const BigInt& k2, Affine& out) {
  Jacobian acc{F().One(), F().One(), Fp::Zero()};
  uint64_t inf = 1;
  t1.Accumulate(acc, inf, k1);
  t2.Accumulate(acc, inf, k2);
  if (inf || F().IsZero(acc.Z)) return false;
  out = ToAffine(acc);
  return true;
}

GPowTable::GPowTable(const Fe& g) {
  entries_.resize(static_cast<size_t>(kGPositions) * 16);
  Fp2 base{F().One(), g};  // (1 + i g) represents g in PF_p
  for (int j = 0; j < kGPositions; ++j) {
    Fp2* row = &entries_[static_cast<size_t>(j) * 16];
    row[0] = Fp2{F().One(), Fp::Zero()};
    row[1] = base;
    for (int m = 2; m < 16; ++m) Fp2Mul(row[m], row[m - 1], base);
    Fp2Mul(base, row[15], base);  // base^16
  }
}

Fe GPowTable::Pow(const BigInt& k) const {
  Fp2 acc{F().One(), Fp::Zero()};
  for (int j = 0; j < kGPositions; ++j) {
    const int d = Bits(k, j * kGWindow, kGWindow);
    Fp2 sel{};
    const Fp2* row = &entries_[static_cast<size_t>(j) * 16];
    for (int m = 0; m < 16; ++m) Fp2Select(sel, sel, row[m], m == d);  // constant-time scan
    Fp2Mul(acc, acc, sel);
  }
  Fe out;
  Project(acc, out);  // Re != 0 for every element of order q
  return out;
}

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
  const std::vector<int8_t> naf = Naf(e);
  Affine neg_r = r_in;
  F().Neg(neg_r.y, r_in.y);
  Jacobian c{r_in.x, r_in.y, F().One()};
  Fp2 v{F().One(), Fp::Zero()}, line, tmp;
  Fe t1;
  for (size_t i = 1; i < naf.size(); ++i) {
    // Doubling: (3(Cx^2 - 1)(Qx + Cx) - 2 Cy^2) + i 2 Cy Qy, times Z^6:
    //   re = M (Qx Z^2 + X) - 2 Y^2, im = Z' Z^2 Qy.
    Doubled d;
    MillerDouble(c, d);
    F().Mul(t1, q.x, d.z2);
    F().Add(t1, t1, d.x);
    F().Mul(line.re, d.m, t1);
    F().Dbl(t1, d.y2);
    F().Sub(line.re, line.re, t1);
    F().Mul(t1, c.Z, d.z2);
    F().Mul(line.im, t1, q.y);
    Fp2Sqr(tmp, v);
    Fp2Mul(v, tmp, line);
    if (naf[i] != 0) {
      // Addition: (Qx + Rx) Cy - (Qx + Cx) Ry + i (Cx - Rx) Qy, times Z^3:
      //   re = Y (Qx + Rx) - Ry Z (X + Qx Z^2), im = -Qy Z H.
      const Affine& r = naf[i] > 0 ? r_in : neg_r;
      Added a;
      if (!MillerAdd(c, r, a)) return false;
      F().Add(t1, q.x, r.x);
      F().Mul(line.re, a.y, t1);
      F().Mul(t1, q.x, a.z2);
      F().Add(t1, t1, a.x);
      F().Mul(t1, t1, a.z);
      F().Mul(t1, t1, r.y);
      F().Sub(line.re, line.re, t1);
      F().Mul(t1, q.y, a.z);
      F().Mul(t1, t1, a.h);
      F().Neg(line.im, t1);
      Fp2Mul(tmp, v, line);
      v = tmp;
    }
  }
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
  for (const Fe& x : den)
    if (F().IsZero(x)) valid_ = false;
  if (!valid_) return;
  BatchInvert(den);
  coeffs_.resize(2 * den.size());
  for (size_t i = 0; i < den.size(); ++i) {
    F().Mul(coeffs_[2 * i], num_a[i], den[i]);
    F().Mul(coeffs_[2 * i + 1], num_b[i], den[i]);
  }
}

bool LineTable::Evaluate(const Affine& q, Fe& out) const {
  if (!valid_) return false;
  Fp2 v{F().One(), Fp::Zero()}, tmp;
  size_t k = 0;
  auto mul_line = [&](Fp2& acc) {
    // acc *= (A Qx + B) + i Qy: (a + i b)(c + i y) = (a c - b y) + i (a y + b c), 3M.
    Fe c, ac, by, s1, s2, mm;
    F().Mul(c, coeffs_[k], q.x);
    F().Add(c, c, coeffs_[k + 1]);
    k += 2;
    F().Mul(ac, acc.re, c);
    F().Mul(by, acc.im, q.y);
    F().Add(s1, acc.re, acc.im);
    F().Add(s2, c, q.y);
    F().Mul(mm, s1, s2);
    F().Sub(acc.re, ac, by);
    F().Sub(mm, mm, ac);
    F().Sub(acc.im, mm, by);
  };
  for (uint8_t add : add_after_) {
    Fp2Sqr(tmp, v);
    v = tmp;
    mul_line(v);
    if (add) mul_line(v);
  }
  Fp2Sqr(tmp, v);
  Fp2Sqr(v, tmp);
  return Project(v, out);
}

}  // namespace mcx::crypto::sakke::fast
