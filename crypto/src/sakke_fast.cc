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

bool Pairing(const Affine& r_in, const Affine& q, const BigInt& e, Fe& out) {
  // Projective Miller loop over the NAF of e (see pairing.cc for the line derivations; the same
  // scaling by powers of Z). A digit -1 adds -R, whose line is the same formula with -Ry.
  const std::vector<int8_t> naf = Naf(e);
  Affine neg_r = r_in;
  F().Neg(neg_r.y, r_in.y);
  Jacobian c{r_in.x, r_in.y, F().One()};
  Fp2 v{F().One(), Fp::Zero()}, line, tmp;
  Fe z2, z3, m, t1, t2, y2, s;
  for (size_t i = 1; i < naf.size(); ++i) {
    F().Sqr(z2, c.Z);
    F().Sub(t1, c.X, z2);
    F().Add(t2, c.X, z2);
    F().Mul(m, t1, t2);
    F().Dbl(t1, m);
    F().Add(m, t1, m);
    F().Mul(t1, q.x, z2);
    F().Add(t1, t1, c.X);
    F().Mul(line.re, m, t1);
    F().Sqr(y2, c.Y);
    F().Dbl(t2, y2);
    F().Sub(line.re, line.re, t2);
    F().Mul(z3, c.Y, c.Z);
    F().Dbl(z3, z3);
    F().Mul(t1, z3, z2);
    F().Mul(line.im, t1, q.y);
    Fp2Sqr(tmp, v);
    Fp2Mul(v, tmp, line);
    F().Mul(s, c.X, y2);
    F().Dbl(s, s);
    F().Dbl(s, s);
    F().Sqr(t1, m);
    F().Dbl(t2, s);
    F().Sub(c.X, t1, t2);
    F().Sub(t1, s, c.X);
    F().Mul(t1, m, t1);
    F().Sqr(t2, y2);
    F().Dbl(t2, t2);
    F().Dbl(t2, t2);
    F().Dbl(t2, t2);
    F().Sub(c.Y, t1, t2);
    c.Z = z3;
    if (naf[i] != 0) {
      const Affine& r = naf[i] > 0 ? r_in : neg_r;
      Fe h, rr, h2, h3, u1h2;
      F().Sqr(z2, c.Z);
      F().Mul(z3, z2, c.Z);
      F().Mul(h, r.x, z2);
      F().Sub(h, h, c.X);
      F().Mul(rr, r.y, z3);
      F().Sub(rr, rr, c.Y);
      if (F().IsZero(h)) return false;
      F().Add(t1, q.x, r.x);
      F().Mul(line.re, c.Y, t1);
      F().Mul(t1, q.x, z2);
      F().Add(t1, t1, c.X);
      F().Mul(t1, t1, c.Z);
      F().Mul(t1, t1, r.y);
      F().Sub(line.re, line.re, t1);
      F().Mul(t1, q.y, c.Z);
      F().Mul(t1, t1, h);
      F().Neg(line.im, t1);
      Fp2Mul(tmp, v, line);
      v = tmp;
      F().Sqr(h2, h);
      F().Mul(h3, h2, h);
      F().Mul(u1h2, c.X, h2);
      F().Sqr(t1, rr);
      F().Sub(t1, t1, h3);
      F().Dbl(t2, u1h2);
      F().Sub(t1, t1, t2);
      F().Sub(t2, u1h2, t1);
      F().Mul(t2, rr, t2);
      F().Mul(c.Y, c.Y, h3);
      F().Sub(c.Y, t2, c.Y);
      c.X = t1;
      F().Mul(c.Z, c.Z, h);
    }
  }
  Fp2Sqr(tmp, v);  // final exponentiation: the (p+1)/q = 4 part
  Fp2Sqr(v, tmp);
  return Project(v, out);
}

LineTable::LineTable(const Affine& r_in, const BigInt& e) {
  // Run the Miller loop's point arithmetic for R once (over the NAF of e) and keep each line as
  // A Qx + B + i Qy with the affine slope A = lambda and B = lambda Cx - Cy: numerators now,
  // denominators inverted in one batch.
  const std::vector<int8_t> naf = Naf(e);
  Affine neg_r = r_in;
  F().Neg(neg_r.y, r_in.y);
  std::vector<Fe> num_a, num_b, den;
  Jacobian c{r_in.x, r_in.y, F().One()};
  Fe z2, z3, m, t1, t2, y2, s;
  for (size_t i = 1; i < naf.size(); ++i) {
    // Doubling: lambda = M / (2 Y Z); with D = 2 Y Z^3: A = M Z^2 / D, B = (M X - 2 Y^2) / D.
    F().Sqr(z2, c.Z);
    F().Sub(t1, c.X, z2);
    F().Add(t2, c.X, z2);
    F().Mul(m, t1, t2);
    F().Dbl(t1, m);
    F().Add(m, t1, m);
    F().Sqr(y2, c.Y);
    F().Mul(z3, c.Y, c.Z);
    F().Dbl(z3, z3);  // Z' = 2 Y Z
    Fe a, b, d;
    F().Mul(a, m, z2);
    F().Mul(b, m, c.X);
    F().Dbl(t2, y2);
    F().Sub(b, b, t2);
    F().Mul(d, z3, z2);
    num_a.push_back(a);
    num_b.push_back(b);
    den.push_back(d);
    F().Mul(s, c.X, y2);
    F().Dbl(s, s);
    F().Dbl(s, s);
    F().Sqr(t1, m);
    F().Dbl(t2, s);
    F().Sub(c.X, t1, t2);
    F().Sub(t1, s, c.X);
    F().Mul(t1, m, t1);
    F().Sqr(t2, y2);
    F().Dbl(t2, t2);
    F().Dbl(t2, t2);
    F().Dbl(t2, t2);
    F().Sub(c.Y, t1, t2);
    c.Z = z3;
    add_after_.push_back(naf[i] != 0 ? 1 : 0);
    if (naf[i] != 0) {
      const Affine& r = naf[i] > 0 ? r_in : neg_r;
      // Addition with R: lambda = (Ry Z^3 - Y) / (Z H), H = Rx Z^2 - X;
      // A = rr / D, B = (rr Rx - Ry D) / D with D = Z H.
      Fe h, rr, h2, h3, u1h2;
      F().Sqr(z2, c.Z);
      F().Mul(z3, z2, c.Z);
      F().Mul(h, r.x, z2);
      F().Sub(h, h, c.X);
      F().Mul(rr, r.y, z3);
      F().Sub(rr, rr, c.Y);
      if (F().IsZero(h)) valid_ = false;
      F().Mul(d, c.Z, h);
      F().Mul(b, rr, r.x);
      F().Mul(t1, r.y, d);
      F().Sub(b, b, t1);
      num_a.push_back(rr);
      num_b.push_back(b);
      den.push_back(d);
      F().Sqr(h2, h);
      F().Mul(h3, h2, h);
      F().Mul(u1h2, c.X, h2);
      F().Sqr(t1, rr);
      F().Sub(t1, t1, h3);
      F().Dbl(t2, u1h2);
      F().Sub(t1, t1, t2);
      F().Sub(t2, u1h2, t1);
      F().Mul(t2, rr, t2);
      F().Mul(c.Y, c.Y, h3);
      F().Sub(c.Y, t2, c.Y);
      c.X = t1;
      F().Mul(c.Z, c.Z, h);
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
