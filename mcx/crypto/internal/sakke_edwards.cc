// Internal (SAKKE fast paths): the Edwards form of E and the fixed-base loops on it.
// - The map between E: y^2 = x^3 - 3x (RFC 6508 2.1) and the Edwards curve x^2 + y^2 = 1 - x^2 y^2
//   goes through the Montgomery curve B v^2 = u^3 + u and its twisted Edwards form (Bernstein,
//   Birkner, Joye, Lange, Peters, "Twisted Edwards Curves", AFRICACRYPT 2008); the addition law
//   is complete because d = -1 is not a square (Bernstein, Lange, "Faster addition and doubling
//   on elliptic curves", ASIACRYPT 2007).
// - Points in extended coordinates with add-2008-hwcd and dbl-2008-hwcd (Hisil, Wong, Carter,
//   Dawson, "Twisted Edwards Curves Revisited", ASIACRYPT 2008), as in the Explicit-Formulas
//   Database, with a = 1, d = -1.
// - The fixed-base tables (built in Jacobian coordinates, sakke_point.h, then mapped) and the
//   constant-time loops over their signed-window digits for RFC 6508 6.2.1 step 2.
#include "mcx/crypto/internal/sakke_edwards.h"

#include <stdexcept>

#include "mcx/crypto/internal/sakke_recoding.h"
#include "mcx/crypto/internal/sakke_table_scan.h"

namespace mcx::crypto::sakke::fast {

namespace {

constexpr int kWindow = 7;                      // signed digits in (-64, 64]
constexpr int kHalf = 1 << (kWindow - 1);       // table entries per row
constexpr int kPositions = (1024 + kWindow - 1) / kWindow + 1;
constexpr int kRows = (kPositions + 1) / 2;     // one row per even position: 2^(14 j)

static_assert(sizeof(Affine) == 256, "table entries are 32 words");

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

/// The point of E an Edwards point stands for, as fractions over one denominator (sakke_edwards.h).
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
  const Lane lanes[kLanes] = {
      {&t1, d1.data(), 0, 2}, {&t1, d1.data(), 1, 2}, {&t2, d2.data(), 0, 2}, {&t2, d2.data(), 1, 2}};
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

WeierstrassFraction MulFixedFraction(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable* t2,
                                     const BigInt& k2) {
  const Extended sum = t2 == nullptr ? MulFixedEdwards(t1, k1) : MulFixed2Edwards(t1, k1, *t2, k2);
  return ToWeierstrassFraction(sum);
}

Affine Finish(const WeierstrassFraction& f, const Fe& inv_den) {
  Affine a;
  F().Mul2(a.x, f.x_num, inv_den, a.y, f.y_num, inv_den);
  return a;
}

}  // namespace mcx::crypto::sakke::fast
