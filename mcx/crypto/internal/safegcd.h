// Internal: constant-time modular inversion by Bernstein-Yang "safegcd" divsteps
// (D. J. Bernstein, B.-Y. Yang, "Fast constant-time gcd computation and modular inversion",
// TCHES 2019), for an odd modulus of up to 64 N bits. Serves the 1024-bit SAKKE field (fp1024)
// and odd moduli of up to 256 bits (BigInt::ModInverse: ECCSI signing, the P-256 verifier).
//
// From f = m, g = x, delta = 1, the divstep
//   delta > 0 and g odd: (delta, f, g) <- (1 - delta, g, (g - f) / 2)
//   g odd:               (delta, f, g) <- (1 + delta, f, (g + f) / 2)
//   g even:              (delta, f, g) <- (1 + delta, f, g / 2)
// reaches g = 0, f = +-1 (for gcd 1) within (49 d + 57) / 17 steps for d-bit inputs, d >= 46
// (their Theorem 11.2). d and e follow f = d x and g = e x (mod m), so x^-1 = +-d. Steps run in
// batches of 62 on the low 64 bits of f and g, which yield a matrix then applied to the whole
// values. Every input takes the same sequence of operations.
#pragma once

#include <cstdint>

#include "mcx/crypto/bytes.h"

namespace mcx::crypto::safegcd {

__extension__ typedef __int128 s128;
inline constexpr int64_t kM62 = (int64_t{1} << 62) - 1;

/// The transition of 62 divsteps, scaled by 2^62: 2^62 f' = u f + v g, 2^62 g' = q f + r g.
struct Transition {
  int64_t u, v, q, r;
};

/// 62 divsteps on the low words of f (odd) and g; returns the new delta. |u| + |v| and |q| + |r|
/// stay at most 2^62 (each step at most doubles them).
inline int64_t Divsteps62(int64_t delta, uint64_t f, uint64_t g, Transition& t) {
  uint64_t u = 1, v = 0, q = 0, r = 1;  // two's complement in 64 bits
  for (int i = 0; i < 62; ++i) {
    const uint64_t odd = uint64_t{0} - (g & 1);
    const uint64_t swap = odd & static_cast<uint64_t>((-delta) >> 63);  // delta > 0 and g odd
    // g += (swap ? -f : f) when g is odd, and (q, r) alike; on a swap f then takes the old g.
    const uint64_t x = (f ^ swap) - swap, y = (u ^ swap) - swap, z = (v ^ swap) - swap;
    g += x & odd;
    q += y & odd;
    r += z & odd;
    f += g & swap;
    u += q & swap;
    v += r & swap;
    const int64_t sd = static_cast<int64_t>(swap);
    delta = ((delta ^ sd) - sd) + 1;
    g >>= 1;  // only the low 64 - i bits of f and g stay exact: enough for 62 steps
    u <<= 1;
    v <<= 1;
  }
  t = Transition{static_cast<int64_t>(u), static_cast<int64_t>(v), static_cast<int64_t>(q), static_cast<int64_t>(r)};
  return delta;
}

/// Inverts modulo one odd modulus m < 2^(64 N).
template <int N>
class ModInverter {
 public:
  /// m: N little-endian 64-bit limbs, odd.
  explicit ModInverter(const uint64_t* m) {
    m_ = ToS62(m);
    S62 k = m_;
    for (int i = 0; i < kShift; ++i) k = AddSigned(k, k, false);
    multiples_[0] = k;  // 2^kShift m, then 2^kShift m, 2^(kShift-1) m, ..., m
    for (int i = 1; i <= kShift + 1; ++i) {
      multiples_[i] = k;
      S62 h{};
      for (int j = 0; j < kL; ++j) h.v[j] = (k.v[j] >> 1) | (j + 1 < kL ? (k.v[j + 1] & 1) << 61 : 0);
      k = h;
    }
    uint64_t inv = 1;  // m^-1 mod 2^64 by Newton's iteration
    for (int i = 0; i < 7; ++i) inv *= 2 - m[0] * inv;
    neg_m_inv_ = (uint64_t{0} - inv) & static_cast<uint64_t>(kM62);
  }

  /// r = a^-1 mod m for 0 <= a < m with gcd(a, m) = 1 (0 for a = 0). r may alias a.
  void Invert(uint64_t* r, const uint64_t* a) const {
    S62 f = m_, g = ToS62(a), d{}, e{};
    e.v[0] = 1;
    int64_t delta = 1;
    for (int b = 0; b < kBatches; ++b) {
      Transition t;
      const uint64_t f0 = static_cast<uint64_t>(f.v[0]) | static_cast<uint64_t>(f.v[1]) << 62;
      const uint64_t g0 = static_cast<uint64_t>(g.v[0]) | static_cast<uint64_t>(g.v[1]) << 62;
      delta = Divsteps62(delta, f0, g0, t);
      Apply<false>(f, g, t);
      Apply<true>(d, e, t);
    }
    // f = +-1, so a^-1 = f d, with |d| < (kBatches + 1) m: adding 2^kShift m makes it positive
    // and below 2^(kShift+1) m, then 2^kShift m, ..., m come off wherever the difference stays
    // non-negative.
    S62 x = AddSigned(multiples_[0], d, f.v[kL - 1] < 0);
    for (int i = 1; i <= kShift + 1; ++i) {
      const S62 t = AddSigned(x, multiples_[i], true);
      Select(x, t, t.v[kL - 1] >= 0);
    }
    FromS62(x, r);
    SecureWipe(&g, sizeof g);
    SecureWipe(&d, sizeof d);
    SecureWipe(&e, sizeof e);
    SecureWipe(&x, sizeof x);
  }

 private:
  static constexpr int kBits = 64 * N;
  static constexpr int kBatches = ((49 * kBits + 57) / 17 + 61) / 62 + 1;  // one to spare
  static constexpr int kShift = kBatches < 16 ? 4 : (kBatches < 32 ? 5 : (kBatches < 64 ? 6 : 7));
  static_assert((1 << kShift) > kBatches + 1, "offset covers |d|");
  // Signed radix 2^62: the low limbs in [0, 2^62), the top one a full signed word; room for
  // |d| < 2^(bits + 8).
  static constexpr int kL = (kBits + 8 + 61) / 62;
  struct S62 {
    int64_t v[kL];
  };

  static S62 ToS62(const uint64_t* a) {
    S62 r{};
    for (int i = 0; i < kL; ++i) {
      const int bit = 62 * i, w = bit >> 6, s = bit & 63;
      uint64_t x = w < N ? a[w] >> s : 0;
      if (s > 2 && w + 1 < N) x |= a[w + 1] << (64 - s);
      r.v[i] = static_cast<int64_t>(x & kM62);
    }
    return r;
  }

  static void FromS62(const S62& a, uint64_t* r) {  // 0 <= a < 2^(64 N)
    uint64_t out[N] = {};
    for (int i = 0; i < kL; ++i) {
      const uint64_t x = static_cast<uint64_t>(a.v[i]);
      const int bit = 62 * i, w = bit >> 6, s = bit & 63;
      if (w < N) out[w] |= x << s;
      if (s > 2 && w + 1 < N) out[w + 1] |= x >> (64 - s);
    }
    for (int i = 0; i < N; ++i) r[i] = out[i];
  }

  // (x, y) <- ((u x + v y) / 2^62, (q x + r y) / 2^62). For f and g the divisions are exact; for
  // d and e (kModular) a multiple k m (0 <= k < 2^62) is first added to each, so that they are
  // exact and the results stay congruent mod m: |d| then grows by less than m per batch.
  template <bool kModular>
  void Apply(S62& x, S62& y, const Transition& t) const {
    s128 cx = static_cast<s128>(t.u) * x.v[0] + static_cast<s128>(t.v) * y.v[0];
    s128 cy = static_cast<s128>(t.q) * x.v[0] + static_cast<s128>(t.r) * y.v[0];
    int64_t kx = 0, ky = 0;
    if (kModular) {
      kx = static_cast<int64_t>((static_cast<uint64_t>(cx) * neg_m_inv_) & kM62);
      ky = static_cast<int64_t>((static_cast<uint64_t>(cy) * neg_m_inv_) & kM62);
      cx += static_cast<s128>(kx) * m_.v[0];
      cy += static_cast<s128>(ky) * m_.v[0];
    }
    cx >>= 62;  // the low 62 bits are zero
    cy >>= 62;
    for (int i = 1; i < kL; ++i) {
      cx += static_cast<s128>(t.u) * x.v[i] + static_cast<s128>(t.v) * y.v[i];
      cy += static_cast<s128>(t.q) * x.v[i] + static_cast<s128>(t.r) * y.v[i];
      if (kModular) {
        cx += static_cast<s128>(kx) * m_.v[i];
        cy += static_cast<s128>(ky) * m_.v[i];
      }
      x.v[i - 1] = static_cast<int64_t>(cx) & kM62;
      y.v[i - 1] = static_cast<int64_t>(cy) & kM62;
      cx >>= 62;
      cy >>= 62;
    }
    x.v[kL - 1] = static_cast<int64_t>(cx);
    y.v[kL - 1] = static_cast<int64_t>(cy);
  }

  // a + b or a - b, limbs re-normalised.
  static S62 AddSigned(const S62& a, const S62& b, bool subtract) {
    const int64_t mask = -static_cast<int64_t>(subtract);
    S62 r;
    s128 c = 0;
    for (int i = 0; i < kL; ++i) {
      c += static_cast<s128>(a.v[i]) + ((b.v[i] ^ mask) - mask);
      r.v[i] = i + 1 < kL ? static_cast<int64_t>(c) & kM62 : static_cast<int64_t>(c);
      c >>= 62;
    }
    return r;
  }

  static void Select(S62& r, const S62& a, bool choose) {  // r = choose ? a : r
    const int64_t mask = -static_cast<int64_t>(choose);
    for (int i = 0; i < kL; ++i) r.v[i] ^= (r.v[i] ^ a.v[i]) & mask;
  }

  S62 m_;
  S62 multiples_[kShift + 2];
  uint64_t neg_m_inv_ = 0;  ///< -m^-1 mod 2^62
};

}  // namespace mcx::crypto::safegcd
