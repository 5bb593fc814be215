// Internal (SAKKE fast paths): the fixed-base table of g = <P, P> in PF_p (RFC 6508 2.1) and
// g^r for RFC 6508 6.2.1 step 3: rows of (1 + i g)^(m 32^j), read in constant time by the signed
// digits of r, two accumulators whose products share batches.
#include "mcx/crypto/internal/sakke_gt_table.h"

#include "mcx/crypto/internal/sakke_recoding.h"
#include "mcx/crypto/internal/sakke_table_scan.h"

namespace mcx::crypto::sakke::fast {

namespace {

constexpr int kGWindow = 5;                     // g^k: signed digits in (-16, 16]
constexpr int kGHalf = 1 << (kGWindow - 1);
constexpr int kGPositions = (1024 + kGWindow - 1) / kGWindow + 1;

static_assert(sizeof(Fe) == 128, "table entries are 16 words");

}  // namespace

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
    Batch({{&bs[0], &acc[0].im, &s[0]},
           {&as[0], &acc[0].re, &s[0]},
           {&bs[1], &acc[1].im, &s[1]},
           {&as[1], &acc[1].re, &s[1]}});
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

}  // namespace mcx::crypto::sakke::fast
