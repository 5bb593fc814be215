#include "mcx/crypto/internal/p256_fast.h"

#include <immintrin.h>

namespace mcx::crypto::p256 {

namespace {

__extension__ typedef unsigned __int128 u128;
int Positions(int window) { return (256 + window - 1) / window + 1; }  // room for the last carry

struct Field {
  Fe p{}, one{}, r2{};
  uint64_t n0 = 0;
  BigInt p_big;
  Field() {
    p_big = BigInt::FromHexConstant("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF");
    p = Load(p_big);
    uint64_t inv = 1;
    for (int i = 0; i < 7; ++i) inv *= 2 - p.v[0] * inv;
    n0 = uint64_t{0} - inv;
    one = Load(BigInt::Mod(BigInt::PowerOfTwo(256), p_big));
    r2 = Load(BigInt::Mod(BigInt::PowerOfTwo(512), p_big));
  }
  static Fe Load(const BigInt& x) {
    const Bytes b = x.ToFixedBytes(32);
    Fe r{};
    for (int i = 0; i < 4; ++i)
      for (int k = 0; k < 8; ++k) r.v[i] = r.v[i] << 8 | b[32 - 8 * (i + 1) + k];
    return r;
  }
  // Montgomery product (CIOS), result < p.
  void Mul(Fe& r, const Fe& a, const Fe& b) const {
    uint64_t t[6] = {0};
    for (int i = 0; i < 4; ++i) {
      u128 c = 0;
      for (int j = 0; j < 4; ++j) {
        c += static_cast<u128>(a.v[i]) * b.v[j] + t[j];
        t[j] = static_cast<uint64_t>(c);
        c >>= 64;
      }
      c += t[4];
      t[4] = static_cast<uint64_t>(c);
      t[5] = static_cast<uint64_t>(c >> 64);
      const uint64_t m = t[0] * n0;
      c = (static_cast<u128>(m) * p.v[0] + t[0]) >> 64;
      for (int j = 1; j < 4; ++j) {
        c += static_cast<u128>(m) * p.v[j] + t[j];
        t[j - 1] = static_cast<uint64_t>(c);
        c >>= 64;
      }
      c += t[4];
      t[3] = static_cast<uint64_t>(c);
      t[4] = t[5] + static_cast<uint64_t>(c >> 64);
    }
    Reduce(r, t);
  }
  // t (5 limbs, < 2p) -> t mod p.
  void Reduce(Fe& r, const uint64_t* t) const {
    unsigned long long s[4];
    unsigned char borrow = 0;
    for (int j = 0; j < 4; ++j) borrow = _subborrow_u64(borrow, t[j], p.v[j], &s[j]);
    const bool ge = t[4] >= borrow;  // t >= p
    for (int j = 0; j < 4; ++j) r.v[j] = ge ? s[j] : t[j];
  }
  void Add(Fe& r, const Fe& a, const Fe& b) const {
    uint64_t t[5];
    unsigned char c = 0;
    for (int j = 0; j < 4; ++j) c = _addcarry_u64(c, a.v[j], b.v[j], reinterpret_cast<unsigned long long*>(&t[j]));
    t[4] = c;
    Reduce(r, t);
  }
  void Sub(Fe& r, const Fe& a, const Fe& b) const {
    unsigned long long s[4];
    unsigned char bw = 0, c = 0;
    for (int j = 0; j < 4; ++j) bw = _subborrow_u64(bw, a.v[j], b.v[j], &s[j]);
    const uint64_t mask = uint64_t{0} - static_cast<uint64_t>(bw);
    for (int j = 0; j < 4; ++j) c = _addcarry_u64(c, s[j], p.v[j] & mask, reinterpret_cast<unsigned long long*>(&r.v[j]));
  }
  bool IsZero(const Fe& a) const { return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0; }
  Fe ToMont(const BigInt& x) const {
    Fe r;
    Mul(r, Load(x), r2);
    return r;
  }
  BigInt FromMont(const Fe& a) const {
    Fe one_plain{{1, 0, 0, 0}}, r;
    Mul(r, a, one_plain);
    uint8_t be[32];
    for (int i = 0; i < 4; ++i)
      for (int k = 0; k < 8; ++k) be[32 - 8 * (i + 1) + k] = static_cast<uint8_t>(r.v[i] >> (56 - 8 * k));
    return BigInt::FromBytes(ByteView(be, 32));
  }
  void Inv(Fe& r, const Fe& a) const { r = ToMont(BigInt::ModInverse(FromMont(a), p_big)); }
};

const Field& F() {
  static const Field f;
  return f;
}

// Doubling, a = -3 (dbl-2001-b).
void Dbl(Jacobian& r, const Jacobian& p) {
  if (p.infinity || F().IsZero(p.Y)) {
    r.infinity = true;
    return;
  }
  Fe delta, gamma, beta, alpha, t1, t2, x3, z3, y3, g2;
  F().Mul(delta, p.Z, p.Z);
  F().Mul(gamma, p.Y, p.Y);
  F().Mul(beta, p.X, gamma);
  F().Sub(t1, p.X, delta);
  F().Add(t2, p.X, delta);
  F().Mul(alpha, t1, t2);
  F().Add(t1, alpha, alpha);
  F().Add(alpha, alpha, t1);
  F().Mul(x3, alpha, alpha);
  F().Add(t1, beta, beta);
  F().Add(t1, t1, t1);  // 4 beta
  F().Add(t2, t1, t1);  // 8 beta
  F().Sub(x3, x3, t2);
  F().Add(z3, p.Y, p.Z);
  F().Mul(z3, z3, z3);
  F().Sub(z3, z3, gamma);
  F().Sub(z3, z3, delta);
  F().Sub(t1, t1, x3);
  F().Mul(y3, alpha, t1);
  F().Mul(g2, gamma, gamma);
  F().Add(g2, g2, g2);
  F().Add(g2, g2, g2);
  F().Add(g2, g2, g2);
  F().Sub(y3, y3, g2);
  r.X = x3;
  r.Y = y3;
  r.Z = z3;
  r.infinity = false;
}

// r = p + q (q affine), every case handled (variable time).
void AddMixed(Jacobian& r, const Jacobian& p, const Affine& q) {
  if (p.infinity) {
    r = Jacobian{q.x, q.y, F().one, false};
    return;
  }
  Fe z1z1, u2, s2, h, hh, i, j, rr, v, t;
  F().Mul(z1z1, p.Z, p.Z);
  F().Mul(u2, q.x, z1z1);
  F().Mul(s2, q.y, p.Z);
  F().Mul(s2, s2, z1z1);
  F().Sub(h, u2, p.X);
  F().Sub(rr, s2, p.Y);
  if (F().IsZero(h)) {
    if (F().IsZero(rr)) return Dbl(r, p);  // p == q
    r.infinity = true;                      // p == -q
    return;
  }
  F().Add(rr, rr, rr);
  F().Mul(hh, h, h);
  F().Add(i, hh, hh);
  F().Add(i, i, i);
  F().Mul(j, h, i);
  F().Mul(v, p.X, i);
  Jacobian o;
  o.infinity = false;
  F().Mul(o.X, rr, rr);
  F().Sub(o.X, o.X, j);
  F().Sub(o.X, o.X, v);
  F().Sub(o.X, o.X, v);
  F().Sub(t, v, o.X);
  F().Mul(o.Y, rr, t);
  F().Mul(t, p.Y, j);
  F().Add(t, t, t);
  F().Sub(o.Y, o.Y, t);
  F().Add(t, p.Z, h);
  F().Mul(t, t, t);
  F().Sub(t, t, z1z1);
  F().Sub(o.Z, t, hh);
  r = o;
}

// Signed digits in [-2^(w-1), 2^(w-1)] of 0 <= k < 2^256.
std::vector<int> Recode(const BigInt& k, int window) {
  const int half = 1 << (window - 1), positions = Positions(window);
  const Bytes be = k.ToFixedBytes(32);
  uint64_t w[5] = {0};
  for (int i = 0; i < 4; ++i)
    for (int b = 0; b < 8; ++b) w[i] = w[i] << 8 | be[32 - 8 * (i + 1) + b];
  std::vector<int> digits(positions);
  int carry = 0;
  for (int j = 0; j < positions; ++j) {
    const int from = j * window, i = from >> 6, s = from & 63;
    uint64_t v = i < 4 ? w[i] >> s : 0;
    if (s + window > 64 && i + 1 < 5) v |= w[i + 1] << (64 - s);
    int d = static_cast<int>(v & ((1u << window) - 1)) + carry;
    carry = d > half;
    if (carry) d -= 1 << window;
    digits[j] = d;
  }
  return digits;
}

}  // namespace

PointTable::PointTable(const BigInt& x, const BigInt& y, int window) : window_(window) {
  // Row j: [m 2^(w j)]B for m = 1..2^(w-1), built in Jacobian and made affine with one inversion.
  const int half = 1 << (window - 1), positions = Positions(window);
  std::vector<Jacobian> jac;
  jac.reserve(static_cast<size_t>(positions) * half);
  Jacobian base{F().ToMont(x), F().ToMont(y), F().one, false};
  for (int j = 0; j < positions; ++j) {
    // The row's base in affine form (one inversion per row), then its multiples 1..32.
    Fe zi, zi2, zi3;
    F().Inv(zi, base.Z);
    F().Mul(zi2, zi, zi);
    F().Mul(zi3, zi2, zi);
    Affine ba;
    F().Mul(ba.x, base.X, zi2);
    F().Mul(ba.y, base.Y, zi3);
    Jacobian acc{ba.x, ba.y, F().one, false};
    jac.push_back(acc);
    for (int m = 2; m <= half; ++m) {
      if (m == 2) Dbl(acc, acc);
      else AddMixed(acc, acc, ba);
      jac.push_back(acc);
    }
    Dbl(base, acc);  // 2 * 2^(w-1) = 2^w
  }
  // Batch to affine (Montgomery's trick).
  const size_t n = jac.size();
  std::vector<Fe> prefix(n);
  Fe run = F().one;
  for (size_t i = 0; i < n; ++i) {
    prefix[i] = run;
    F().Mul(run, run, jac[i].Z);
  }
  Fe inv;
  F().Inv(inv, run);
  entries_.resize(n);
  for (size_t i = n; i-- > 0;) {
    Fe zi, zi2, zi3;
    F().Mul(zi, inv, prefix[i]);
    F().Mul(inv, inv, jac[i].Z);
    F().Mul(zi2, zi, zi);
    F().Mul(zi3, zi2, zi);
    F().Mul(entries_[i].x, jac[i].X, zi2);
    F().Mul(entries_[i].y, jac[i].Y, zi3);
  }
}

void PointTable::Accumulate(Jacobian& acc, const BigInt& k) const {
  const std::vector<int> digits = Recode(k, window_);
  const size_t half = size_t{1} << (window_ - 1);
  for (size_t j = 0; j < digits.size(); ++j) {
    const int d = digits[j];
    if (d == 0) continue;
    Affine e = entries_[j * half + static_cast<size_t>((d < 0 ? -d : d) - 1)];
    if (d < 0) F().Sub(e.y, Fe{}, e.y);
    AddMixed(acc, acc, e);
  }
}

bool MulAddXIs(const PointTable& a, const BigInt& u1, const PointTable& b, const BigInt& u2, const BigInt& x) {
  Jacobian acc;
  a.Accumulate(acc, u1);
  b.Accumulate(acc, u2);
  if (acc.infinity) return false;
  // X / Z^2 = x without an inversion: X = x Z^2 (both canonical, below p).
  Fe z2, xz2;
  F().Mul(z2, acc.Z, acc.Z);
  F().Mul(xz2, F().ToMont(x), z2);
  return ((xz2.v[0] ^ acc.X.v[0]) | (xz2.v[1] ^ acc.X.v[1]) | (xz2.v[2] ^ acc.X.v[2]) | (xz2.v[3] ^ acc.X.v[3])) == 0;
}

}  // namespace mcx::crypto::p256
