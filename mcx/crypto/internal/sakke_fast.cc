#include "mcx/crypto/internal/sakke_fast.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <tuple>

namespace mcx::crypto::sakke::fast {

namespace {

constexpr int kWindow = 7;                      // signed digits in (-64, 64]
constexpr int kHalf = 1 << (kWindow - 1);       // table entries per row
constexpr int kPositions = (1024 + kWindow - 1) / kWindow + 1;
constexpr int kRows = (kPositions + 1) / 2;     // one row per even position: 2^(14 j)
constexpr int kGWindow = 5;                     // g^k: signed digits in (-16, 16]
constexpr int kGHalf = 1 << (kGWindow - 1);
constexpr int kGPositions = (1024 + kGWindow - 1) / kGWindow + 1;

const Fp& F() { return Fp::Sakke(); }

// Independent products in one batch (MulBatch interleaves them on IFMA).
void Batch(std::initializer_list<std::tuple<Fe*, const Fe*, const Fe*>> products) {
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

// Mixed addition r = p + q (q affine, p != +-q, p not at infinity; madd-2007-bl, 7M + 4S), the
// products in batches. For building tables; the scalar loops add on the Edwards form.
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

// A scalar's bits read from fixed-size words (no branch on its size, unlike BN_is_bit_set).
struct ScalarBits {
  uint64_t w[crypto::fast::kLimbs + 1] = {};
  explicit ScalarBits(const BigInt& k) {
    const Bytes be = k.ToFixedBytes(crypto::fast::kFeBytes);
    for (int i = 0; i < crypto::fast::kLimbs; ++i)
      for (int b = 0; b < 8; ++b) w[i] = w[i] << 8 | be[crypto::fast::kFeBytes - 8 * (i + 1) + b];
  }
  ~ScalarBits() { SecureWipe(w, sizeof w); }
  /// Bits [from, from + count) as an integer (count <= 8; bits past 1024 are 0).
  int Get(int from, int count) const {
    const int i = from >> 6, s = from & 63;
    uint64_t v = w[i] >> s;
    if (s + count > 64 && i + 1 <= crypto::fast::kLimbs) v |= w[i + 1] << (64 - s);
    return static_cast<int>(v & ((uint64_t{1} << count) - 1));
  }
};

// AVX-512 for the table scans, unless MCX_NO_AVX512=1 asks for the portable code (tests).
bool CpuHasAvx512() {
  static const bool has = [] {
    if (std::getenv("MCX_NO_AVX512")) return false;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b >> 16 & 1)) return false;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1)) return false;
    unsigned lo = 0, hi = 0;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xe6) == 0xe6;
  }();
  return has;
}

// Constant-time table read: out = entry `wanted` of `count` entries of W words (W = 16: one
// field element, 32: two), all zero when none matches. Every entry is loaded; the match only
// decides a mask.
template <int W>
__attribute__((target("avx512f"))) void ScanAvx512(const uint64_t* entries, int count, int wanted, uint64_t* out) {
  constexpr int kVectors = W / 8;
  __m512i acc[kVectors];
  for (__m512i& a : acc) a = _mm512_setzero_si512();
  for (int m = 0; m < count; ++m) {
    const __mmask8 k = static_cast<__mmask8>(0u - static_cast<unsigned>(m == wanted));
    const uint64_t* e = entries + W * m;
    for (int v = 0; v < kVectors; ++v) acc[v] = _mm512_mask_loadu_epi64(acc[v], k, e + 8 * v);
  }
  for (int v = 0; v < kVectors; ++v) _mm512_storeu_si512(out + 8 * v, acc[v]);
}

template <int W>
void ScanPortable(const uint64_t* entries, int count, int wanted, uint64_t* out) {
  uint64_t acc[W] = {};
  for (int m = 0; m < count; ++m) {
    const uint64_t mask = uint64_t{0} - static_cast<uint64_t>(m == wanted);
    const uint64_t* e = entries + W * m;
    for (int j = 0; j < W; ++j) acc[j] |= e[j] & mask;
  }
  std::memcpy(out, acc, sizeof acc);
}

template <int W>
void Scan(const uint64_t* entries, int count, int wanted, uint64_t* out) {
  CpuHasAvx512() ? ScanAvx512<W>(entries, count, wanted, out) : ScanPortable<W>(entries, count, wanted, out);
}
static_assert(sizeof(Affine) == 256 && sizeof(Fe) == 128, "table entries are 32 or 16 words");

// Signed digits of 0 <= k < 2^1024 in (-2^(w-1), 2^(w-1)], one per w-bit position (and one for
// the final carry), recoded without branches on k.
template <int W>
std::vector<int8_t> RecodeSigned(const BigInt& k) {
  constexpr int kPos = (1024 + W - 1) / W + 1;
  const ScalarBits bits(k);
  std::vector<int8_t> digits(kPos);
  int carry = 0;
  for (int j = 0; j < kPos; ++j) {
    const int v = bits.Get(j * W, W) + carry;
    const int neg = (((1 << (W - 1)) - v) >> 31) & 1;  // v > 2^(w-1)
    digits[j] = static_cast<int8_t>(v - (neg << W));
    carry = neg;
  }
  return digits;
}

// The index and sign of a signed digit, without branches.
struct DigitParts {
  int negative, abs;
  explicit DigitParts(int digit) : negative((digit >> 31) & 1), abs((digit ^ -negative) + negative) {}
};

// ---- The fixed-base loops run on an Edwards form of E ----
// E (y^2 = x^3 - 3x) is birational over F_p to the Edwards curve x^2 + y^2 = 1 - x^2 y^2, whose
// d = -1 is not a square (p = 3 mod 4): its addition law is complete, with no exceptional case
// for the identity, doublings or opposite points, so the constant-time loops need no special
// handling, and a mixed addition costs 9 products instead of 11. With lambda the root of -3 that
// is not a square, and c = sqrt(-6 lambda) / lambda (via the Montgomery curve B v^2 = u^3 + u,
// u = x / lambda, B = 1 / lambda^3, whose twisted Edwards form has a = -6 lambda, a square):
//   (x, y) on E  ->  (c x / y, (x - lambda) / (x + lambda)),   the identity -> (0, 1);
//   (s, t)       ->  x = lambda (1 + t) / (1 - t),  y = c x / s.
// Points of E[q] never meet the map's exceptions (y = 0, x = -lambda: points of order 2 and 4).
struct EdwardsMap {
  Fe lambda, c, c_lambda;
};

// a^(e / 2^shift) for a public exponent (the constants below, once).
Fe PowPublic(const Fe& a, const BigInt& e, int shift) {
  Fe r = F().One();
  for (int i = e.BitLength() - 1; i >= shift; --i) {
    F().Sqr(r, r);
    if (e.Bit(i)) F().Mul(r, r, a);
  }
  return r;
}

EdwardsMap MakeEdwardsMap() {
  const BigInt& p = F().Modulus();
  const BigInt p_plus_1 = BigInt::Add(p, BigInt(1)), p_minus_1 = BigInt::Sub(p, BigInt(1));
  auto sqrt = [&](const Fe& a) { return PowPublic(a, p_plus_1, 2); };  // a^((p+1)/4), p = 3 mod 4
  auto is_square = [&](const Fe& a) { return F().Equal(PowPublic(a, p_minus_1, 1), F().One()); };
  Fe minus3, minus6, a, root, check, lambda_sq, lambda_inv;
  F().Neg(minus3, F().FromBigInt(BigInt(3)));
  EdwardsMap m;
  m.lambda = sqrt(minus3);
  if (is_square(m.lambda)) F().Neg(m.lambda, m.lambda);
  F().Dbl(minus6, minus3);
  F().Mul(a, minus6, m.lambda);
  root = sqrt(a);
  F().Sqr(check, root);
  F().Sqr(lambda_sq, m.lambda);
  if (!F().Equal(check, a) || !F().Equal(lambda_sq, minus3))
    throw std::logic_error("SAKKE: no Edwards form");  // cannot happen for parameter set 1
  F().Inv(lambda_inv, m.lambda);
  F().Mul(m.c, root, lambda_inv);
  F().Mul(m.c_lambda, m.c, m.lambda);
  return m;
}

const EdwardsMap& Edwards() {
  static const EdwardsMap m = MakeEdwardsMap();
  return m;
}

/// A point of the Edwards curve in extended coordinates: x = X/Z, y = Y/Z, T = XY/Z.
struct Extended {
  Fe X, Y, Z, T;
};

Extended EdwardsIdentity() { return Extended{Fe{}, F().One(), F().One(), Fe{}}; }

/// Points of E (affine, none of order 2 or 4) to Edwards affine, with one inversion for all.
std::vector<Affine> ToEdwardsBatch(const std::vector<Affine>& w) {
  const EdwardsMap& m = Edwards();
  std::vector<Fe> den(w.size()), plus(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    F().Add(plus[i], w[i].x, m.lambda);
    F().Mul(den[i], w[i].y, plus[i]);  // y (x + lambda)
  }
  BatchInvert(den);
  std::vector<Affine> out(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    Fe inv_y, inv_plus, minus;
    F().Mul(inv_y, den[i], plus[i]);
    F().Mul(inv_plus, den[i], w[i].y);
    F().Mul(out[i].x, w[i].x, inv_y);
    F().Mul(out[i].x, out[i].x, m.c);
    F().Sub(minus, w[i].x, m.lambda);
    F().Mul(out[i].y, minus, inv_plus);
  }
  return out;
}

/// A point of E (affine, not of order 2 or 4) in extended Edwards coordinates, no inversion:
/// X = c x (x + lambda), Y = (x - lambda) y, Z = y (x + lambda), T = c x (x - lambda).
Extended ToExtended(const Affine& w) {
  const EdwardsMap& m = Edwards();
  Fe plus, minus, cx;
  F().Add(plus, w.x, m.lambda);
  F().Sub(minus, w.x, m.lambda);
  F().Mul(cx, w.x, m.c);
  Extended e;
  Batch({{&e.X, &cx, &plus}, {&e.Y, &minus, &w.y}, {&e.Z, &w.y, &plus}, {&e.T, &cx, &minus}});
  return e;
}

/// The point of E an Edwards point stands for, as fractions over one denominator:
/// x = lambda (Z + Y) X / den, y = c lambda (Z + Y) Z / den, den = X (Z - Y). den = 0 for the
/// identity (and for the Edwards points of order 2 and 4, which E[q] never reaches).
struct WeierstrassFraction {
  Fe x_num, y_num, den;
};
WeierstrassFraction ToWeierstrassFraction(const Extended& e) {
  const EdwardsMap& m = Edwards();
  Fe sum, diff, lx, ly;
  F().Add(sum, e.Z, e.Y);
  F().Sub(diff, e.Z, e.Y);
  WeierstrassFraction f;
  Batch({{&lx, &sum, &m.lambda}, {&ly, &sum, &m.c_lambda}, {&f.den, &e.X, &diff}});
  Batch({{&f.x_num, &lx, &e.X}, {&f.y_num, &ly, &e.Z}});
  return f;
}

/// The affine point, given 1/den.
Affine Finish(const WeierstrassFraction& f, const Fe& inv_den) {
  Affine a;
  F().Mul2(a.x, f.x_num, inv_den, a.y, f.y_num, inv_den);
  return a;
}

/// Products queued for one batch. No output may be an input of the same batch (the Edwards
/// formulas below write fresh temporaries, or the accumulator from temporaries only).
struct ProductBatch {
  Fe* out[Fp::kMaxBatch];
  const Fe* a[Fp::kMaxBatch];
  const Fe* b[Fp::kMaxBatch];
  int n = 0;
  void Add(Fe& o, const Fe& x, const Fe& y) {
    out[n] = &o;
    a[n] = &x;
    b[n] = &y;
    ++n;
  }
  void Run() {
    F().MulBatchDistinct(out, a, b, n);
    n = 0;
  }
};

/// Room for the four sums of an Edwards addition's second half.
struct EfghTemp {
  Fe e, f, g, h;
};

/// The second half of an Edwards addition (add-2008-hwcd with a = 1, d = -1, so C = -T1 T2):
/// from A = X1 X2, B = Y1 Y2, E' = (X1 + Y1)(X2 + Y2), TT = T1 T2 and D = Z1 Z2:
/// E = E' - A - B, F = D + TT, G = D - TT, H = B - A; queues X3 = E F, Y3 = G H, T3 = E H,
/// Z3 = F G into the batch.
void QueueEdwardsOutputs(ProductBatch& batch, EfghTemp& s, Extended& r, const Fe& a, const Fe& b, const Fe& e_sum,
                         const Fe& tt, const Fe& d) {
  F().Sub(s.e, e_sum, a);
  F().Sub(s.e, s.e, b);
  F().Add(s.f, d, tt);
  F().Sub(s.g, d, tt);
  F().Sub(s.h, b, a);
  batch.Add(r.X, s.e, s.f);
  batch.Add(r.Y, s.g, s.h);
  batch.Add(r.T, s.e, s.h);
  batch.Add(r.Z, s.f, s.g);
}

/// K independent mixed additions acc[k] += q[k], q Edwards affine (Z = 1; its T = x y is formed
/// here, as the table holds x and y only): 9 products each, in three batches.
template <int K>
void EdwardsAddMixed(Extended* acc, const Affine* q) {
  static_assert(4 * K <= Fp::kMaxBatch, "batch size");
  Fe a[K], b[K], e_sum[K], txy[K], tt[K], s1[K], s2[K];
  EfghTemp tmp[K];
  ProductBatch batch;
  for (int k = 0; k < K; ++k) {
    F().Add(s1[k], acc[k].X, acc[k].Y);
    F().Add(s2[k], q[k].x, q[k].y);
    batch.Add(a[k], acc[k].X, q[k].x);
    batch.Add(b[k], acc[k].Y, q[k].y);
    batch.Add(e_sum[k], s1[k], s2[k]);
    batch.Add(txy[k], q[k].x, q[k].y);
  }
  batch.Run();
  for (int k = 0; k < K; ++k) batch.Add(tt[k], acc[k].T, txy[k]);
  batch.Run();
  for (int k = 0; k < K; ++k) QueueEdwardsOutputs(batch, tmp[k], acc[k], a[k], b[k], e_sum[k], tt[k], acc[k].Z);
  batch.Run();  // reads only the temporaries (acc[k].Z went into F and G before)
}

/// p + q in extended coordinates (9 products; complete).
Extended EdwardsAdd(const Extended& p, const Extended& q) {
  Fe a, b, e_sum, tt, d, s1, s2;
  EfghTemp tmp;
  F().Add(s1, p.X, p.Y);
  F().Add(s2, q.X, q.Y);
  ProductBatch batch;
  batch.Add(a, p.X, q.X);
  batch.Add(b, p.Y, q.Y);
  batch.Add(e_sum, s1, s2);
  batch.Add(tt, p.T, q.T);
  batch.Add(d, p.Z, q.Z);
  batch.Run();
  Extended r;
  QueueEdwardsOutputs(batch, tmp, r, a, b, e_sum, tt, d);
  batch.Run();
  return r;
}

/// 2p in extended coordinates (dbl-2008-hwcd, a = 1: 4 squares and 4 products).
Extended EdwardsDouble(const Extended& p) {
  Fe a, b, c, e_sum, s;
  EfghTemp tmp;
  F().Add(s, p.X, p.Y);
  ProductBatch batch;
  batch.Add(a, p.X, p.X);
  batch.Add(b, p.Y, p.Y);
  batch.Add(c, p.Z, p.Z);
  batch.Add(e_sum, s, s);
  batch.Run();
  F().Dbl(c, c);  // C = 2 Z^2; with a = 1, D = A:
  // E = (X + Y)^2 - A - B, G = A + B, F = G - C, H = A - B; X3 = E F, Y3 = G H, T3 = E H, Z3 = F G.
  F().Sub(tmp.e, e_sum, a);
  F().Sub(tmp.e, tmp.e, b);
  F().Add(tmp.g, a, b);
  F().Sub(tmp.f, tmp.g, c);
  F().Sub(tmp.h, a, b);
  Extended r;
  batch.Add(r.X, tmp.e, tmp.f);
  batch.Add(r.Y, tmp.g, tmp.h);
  batch.Add(r.T, tmp.e, tmp.h);
  batch.Add(r.Z, tmp.f, tmp.g);
  batch.Run();
  return r;
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

FixedBaseTable::FixedBaseTable(const Affine& base) {
  std::vector<Jacobian> jac;
  jac.reserve(static_cast<size_t>(kRows) * kHalf);
  Jacobian b{base.x, base.y, F().One()};
  for (int j = 0; j < kRows; ++j) {
    // [m 2^(2wj)]B for m = 1..2^(w-1), then the next row's base [2^(2w(j+1))]B.
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
    for (int i = 0; i < kWindow; ++i) Dbl(b, b);  // 2^(2w)
  }
  entries_ = ToEdwardsBatch(ToAffineBatch(jac));
}

std::vector<int8_t> FixedBaseTable::Recode(const BigInt& k) { return RecodeSigned<kWindow>(k); }

void FixedBaseTable::Read(int j, int digit, Affine& sel) const {
  const DigitParts d(digit);
  // Entry abs - 1 of the row (none for 0: all zero), read in constant time; then the identity
  // (0, 1) for digit 0, and -(x, y) = (-x, y) for a negative digit.
  Scan<32>(entries_[static_cast<size_t>(j) * kHalf].x.v, kHalf, d.abs - 1, sel.x.v);
  Fe nx;
  F().Neg(nx, sel.x);
  Fp::Select(sel.x, sel.x, nx, d.negative != 0);
  Fp::Select(sel.y, sel.y, F().One(), d.abs == 0);
}

namespace {

// Four accumulations whose additions share batches (four interleaved products per batch).
constexpr int kLanes = 4;

/// One accumulation: the digits of one scalar at positions first, first + stride, ... Each
/// position j reads table row j / 2 (rows hold the even positions); a lane of odd positions is
/// shifted: its sum is multiplied by 2^w at the end.
struct Lane {
  const FixedBaseTable* table;
  const int8_t* digits;
  int first, stride;
  bool Shifted() const { return first % 2 == 1; }
};

/// The sum over the lanes of their table entries, as an Edwards point. Constant time in the
/// digits: every step reads a whole table row per lane and adds (complete formulas, so digit 0
/// adds the identity like any other entry). The lanes all have stride 2 or all stride 4.
Extended SumOfLanes(const Lane (&lanes)[kLanes]) {
  Extended acc[kLanes];
  for (Extended& a : acc) a = EdwardsIdentity();
  const int steps = (kPositions + lanes[0].stride - 1) / lanes[0].stride;
  for (int s = 0; s < steps; ++s) {
    Affine sel[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      const int pos = lanes[l].first + s * lanes[l].stride;  // public: the loop's shape only
      if (pos < kPositions)
        lanes[l].table->Read(pos / 2, lanes[l].digits[pos], sel[l]);
      else
        lanes[l].table->Read(kRows - 1, 0, sel[l]);  // past the end: the identity
    }
    EdwardsAddMixed<kLanes>(acc, sel);
  }
  // The unshifted lanes' sum plus 2^w times the shifted lanes' sum.
  Extended plain = EdwardsIdentity(), shifted = EdwardsIdentity();
  for (int l = 0; l < kLanes; ++l) {
    Extended& to = lanes[l].Shifted() ? shifted : plain;
    to = EdwardsAdd(to, acc[l]);
  }
  for (int i = 0; i < kWindow; ++i) shifted = EdwardsDouble(shifted);
  const Extended sum = EdwardsAdd(plain, shifted);
  SecureWipe(acc, sizeof acc);
  SecureWipe(&shifted, sizeof shifted);
  return sum;
}

/// [k]B as an Edwards point: position j is added in lane j mod 4.
Extended MulFixedEdwards(const FixedBaseTable& t, const BigInt& k) {
  std::vector<int8_t> d = FixedBaseTable::Recode(k);
  const Lane lanes[kLanes] = {{&t, d.data(), 0, 4}, {&t, d.data(), 1, 4}, {&t, d.data(), 2, 4}, {&t, d.data(), 3, 4}};
  Extended out = SumOfLanes(lanes);
  SecureWipe(d.data(), d.size());
  return out;
}

/// [k1]B1 + [k2]B2 as an Edwards point: even and odd positions of each scalar in their own lane.
Extended MulFixed2Edwards(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable& t2, const BigInt& k2) {
  std::vector<int8_t> d1 = FixedBaseTable::Recode(k1), d2 = FixedBaseTable::Recode(k2);
  const Lane lanes[kLanes] = {{&t1, d1.data(), 0, 2}, {&t1, d1.data(), 1, 2}, {&t2, d2.data(), 0, 2}, {&t2, d2.data(), 1, 2}};
  Extended out = SumOfLanes(lanes);
  SecureWipe(d1.data(), d1.size());
  SecureWipe(d2.data(), d2.size());
  return out;
}

/// The affine point of E. False for the identity.
bool ToAffine(const Extended& e, Affine& out) {
  const WeierstrassFraction f = ToWeierstrassFraction(e);
  if (F().IsZero(f.den)) return false;
  Fe inv;
  F().Inv(inv, f.den);
  out = Finish(f, inv);
  return true;
}

}  // namespace

bool MulFixed(const FixedBaseTable& t, const BigInt& k, Affine& out) {
  return ToAffine(MulFixedEdwards(t, k), out);
}

bool MulFixedPlus(const FixedBaseTable& t, const BigInt& k, const Affine& a, Affine& out) {
  return ToAffine(EdwardsAdd(MulFixedEdwards(t, k), ToExtended(a)), out);
}

bool MulFixed2(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable& t2, const BigInt& k2, Affine& out) {
  return ToAffine(MulFixed2Edwards(t1, k1, t2, k2), out);
}

GPowTable::GPowTable(const Fe& g) {
  // Row j holds (1 + i g)^(m 32^j) for m = 1..16 (1 + i g represents g in PF_p), each divided
  // by its real part, 1 + i s, and stored as s: its PF_p value. Multiplying by such an entry
  // takes two products, and its inverse (the conjugate, for an element of norm 1 up to the
  // PF_p scaling) is 1 - i s: signed digits at no cost.
  std::vector<Fp2> raw;
  raw.reserve(static_cast<size_t>(kGPositions) * kGHalf);
  Fp2 base{F().One(), g};
  for (int j = 0; j < kGPositions; ++j) {
    Fp2 acc = base;
    raw.push_back(acc);
    for (int m = 2; m <= kGHalf; ++m) {
      Fp2Mul(acc, acc, base);
      raw.push_back(acc);
    }
    Fp2Sqr(base, acc);  // 2 * 16 = 32 = 2^w
  }
  std::vector<Fe> re(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) re[i] = raw[i].re;  // never 0 in the group of order q
  BatchInvert(re);
  entries_.resize(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) F().Mul(entries_[i], raw[i].im, re[i]);
}

Fp2 GPowTable::PowProjective(const BigInt& k) const {
  std::vector<int8_t> d = RecodeSigned<kGWindow>(k);
  // Even and odd positions in two accumulators, their four products per step in one batch.
  Fp2 acc[2] = {{F().One(), Fp::Zero()}, {F().One(), Fp::Zero()}};
  static_assert(kGPositions % 2 == 0, "positions in pairs");
  for (int j = 0; j < kGPositions; j += 2) {
    Fe s[2], ns, bs[2], as[2];
    for (int l = 0; l < 2; ++l) {
      const DigitParts dp(d[j + l]);
      Scan<16>(entries_[static_cast<size_t>(j + l) * kGHalf].v, kGHalf, dp.abs - 1, s[l].v);  // 0 for digit 0
      F().Neg(ns, s[l]);
      Fp::Select(s[l], s[l], ns, dp.negative != 0);
    }
    // (a + i b)(1 + i s) = (a - b s) + i (b + a s)
    Batch({{&bs[0], &acc[0].im, &s[0]}, {&as[0], &acc[0].re, &s[0]}, {&bs[1], &acc[1].im, &s[1]}, {&as[1], &acc[1].re, &s[1]}});
    for (int l = 0; l < 2; ++l) {
      F().Sub(acc[l].re, acc[l].re, bs[l]);
      F().Add(acc[l].im, acc[l].im, as[l]);
    }
  }
  SecureWipe(d.data(), d.size());
  Fp2 out;
  Fp2Mul(out, acc[0], acc[1]);
  SecureWipe(acc, sizeof acc);
  return out;
}

Fe GPowTable::Pow(const BigInt& k) const {
  Fe out;
  Project(PowProjective(k), out);  // Re != 0 for every element of order q
  return out;
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

bool EncapsulationValues(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable* t2, const BigInt& k2,
                         const GPowTable& g, const BigInt& r, Affine& big_r, Fe& g_r) {
  const Extended sum = t2 == nullptr ? MulFixedEdwards(t1, k1) : MulFixed2Edwards(t1, k1, *t2, k2);
  const WeierstrassFraction f = ToWeierstrassFraction(sum);
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
