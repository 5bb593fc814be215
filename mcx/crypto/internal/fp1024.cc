#include "mcx/crypto/internal/fp1024.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cstdlib>
#include <cstring>

#include "mcx/crypto/internal/safegcd.h"

namespace mcx::crypto::fast {

namespace {

__extension__ typedef unsigned __int128 u128;
constexpr int N = kLimbs;

// Final step of Montgomery multiplication: t (N+1 limbs, < 2p) -> t mod p, constant time.
inline void Reduce(uint64_t* r, const uint64_t* t, const uint64_t* p) {
  unsigned long long s[N];
  unsigned char borrow = 0;
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) borrow = _subborrow_u64(borrow, t[j], p[j], &s[j]);
  const uint64_t take = uint64_t{0} - static_cast<uint64_t>(t[N] >= borrow);  // t >= p
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) r[j] = (s[j] & take) | (t[j] & ~take);
}

// Coarsely integrated operand scanning (Koc et al.), portable.
void MulPortable(uint64_t* r, const uint64_t* a, const uint64_t* b, const uint64_t* p, uint64_t n0) {
  uint64_t t[N + 2] = {0};
  for (int i = 0; i < N; ++i) {
    u128 c = 0;
    const uint64_t ai = a[i];
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) {
      c += static_cast<u128>(ai) * b[j] + t[j];
      t[j] = static_cast<uint64_t>(c);
      c >>= 64;
    }
    c += t[N];
    t[N] = static_cast<uint64_t>(c);
    t[N + 1] = static_cast<uint64_t>(c >> 64);
    const uint64_t m = t[0] * n0;
    c = (static_cast<u128>(m) * p[0] + t[0]) >> 64;
#pragma GCC unroll 16
    for (int j = 1; j < N; ++j) {
      c += static_cast<u128>(m) * p[j] + t[j];
      t[j - 1] = static_cast<uint64_t>(c);
      c >>= 64;
    }
    c += t[N];
    t[N - 1] = static_cast<uint64_t>(c);
    t[N] = t[N + 1] + static_cast<uint64_t>(c >> 64);
  }
  Reduce(r, t, p);
}

// The same algorithm with MULX and two carry chains (ADCX/ADOX).
__attribute__((target("bmi2,adx"))) void MulAdx(uint64_t* r, const uint64_t* a, const uint64_t* b,
                                                const uint64_t* p, uint64_t n0) {
  unsigned long long t[N + 2] = {0};
  for (int i = 0; i < N; ++i) {
    unsigned char c1 = 0, c2 = 0;
    unsigned long long lo, hi, carry = 0;
    const unsigned long long ai = a[i];
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) {
      lo = _mulx_u64(ai, b[j], &hi);
      c1 = _addcarry_u64(c1, lo, carry, &lo);
      c2 = _addcarry_u64(c2, t[j], lo, &t[j]);
      carry = hi;
    }
    c1 = _addcarry_u64(c1, carry, 0, &carry);
    c2 = _addcarry_u64(c2, t[N], carry, &t[N]);
    t[N + 1] = c2;
    const unsigned long long m = t[0] * n0;
    c1 = 0;
    lo = _mulx_u64(m, p[0], &hi);
    c2 = _addcarry_u64(0, t[0], lo, &lo);
    carry = hi;
#pragma GCC unroll 16
    for (int j = 1; j < N; ++j) {
      lo = _mulx_u64(m, p[j], &hi);
      c1 = _addcarry_u64(c1, lo, carry, &lo);
      c2 = _addcarry_u64(c2, t[j], lo, &t[j - 1]);
      carry = hi;
    }
    c1 = _addcarry_u64(c1, carry, 0, &carry);
    c2 = _addcarry_u64(c2, t[N], carry, &t[N - 1]);
    t[N] = t[N + 1] + c2;
  }
  Reduce(r, reinterpret_cast<const uint64_t*>(t), p);
}


// AVX-512 IFMA: almost-Montgomery multiplication in radix 2^52 (20 digits, R' = 2^1040).
// a is taken as a·2^16 (still below R'), so AMM(a·2^16, b) = a·b·2^-1024 mod p, the same
// Montgomery form as the other paths. Digit by digit of b: acc += x·b_i (low halves), m from
// acc's lowest lane, acc += m·p (low halves), drop the lowest lane (its carry goes on), then the
// high halves of both products land one lane down. Result < 2p, then carried, repacked to 64-bit
// limbs and reduced once.
constexpr int kD = 20;                       // 52-bit digits
constexpr uint64_t kMask52 = (uint64_t{1} << 52) - 1;

// Digit k of (v << shift) for a 16-limb v: bits [52k - shift, 52k - shift + 52).
inline uint64_t Digit(const uint64_t* v, int k, int shift) {
  const int pos = 52 * k - shift;
  if (pos < 0) return (v[0] << -pos) & kMask52;
  const int w = pos >> 6, s = pos & 63;
  if (w >= N) return 0;
  uint64_t d = v[w] >> s;
  if (s > 12 && w + 1 < N) d |= v[w + 1] << (64 - s);
  return d & kMask52;
}

struct IfmaConstants {
  alignas(64) uint64_t p52[24] = {0};
  uint64_t k0 = 0;  // -p^-1 mod 2^52
};

// The digits of the operands (x = a·2^16, y = b), the AMM loop over K independent products
// interleaved (their dependency chains overlap), and the final carry, repack and reduction.
template <int K>
__attribute__((target("avx512f,avx512ifma"))) inline void AmmIfma(uint64_t* const* r, const uint64_t* const* a,
                                                                   const uint64_t* const* b, const uint64_t* p,
                                                                   const IfmaConstants& c) {
  alignas(64) uint64_t x[K][24] = {};
  uint64_t y[K][kD];
  for (int j = 0; j < K; ++j) {
#pragma clang loop unroll(full)
    for (int k = 0; k < kD; ++k) {  // unrolled: every shift is a constant
      x[j][k] = Digit(a[j], k, 16);
      y[j][k] = Digit(b[j], k, 0);
    }
  }
  const __m512i p0 = _mm512_load_si512(c.p52), p1 = _mm512_load_si512(c.p52 + 8), p2 = _mm512_load_si512(c.p52 + 16);
  const __m512i zero = _mm512_setzero_si512();
  __m512i x0[K], x1[K], x2[K], a0[K], a1[K], a2[K];
  for (int j = 0; j < K; ++j) {
    x0[j] = _mm512_load_si512(x[j]);
    x1[j] = _mm512_load_si512(x[j] + 8);
    x2[j] = _mm512_load_si512(x[j] + 16);
    a0[j] = a1[j] = a2[j] = zero;
  }
  const uint64_t pl = c.p52[0];
  for (int i = 0; i < kD; ++i) {
#pragma clang loop unroll(full)
    for (int j = 0; j < K; ++j) {
      const __m512i yb = _mm512_set1_epi64(static_cast<long long>(y[j][i]));
      const uint64_t low =
          static_cast<uint64_t>(_mm_cvtsi128_si64(_mm512_castsi512_si128(a0[j]))) + ((x[j][0] * y[j][i]) & kMask52);
      const uint64_t m = (low * c.k0) & kMask52;
      const uint64_t carry = (low + ((pl * m) & kMask52)) >> 52;  // the lowest lane is now 0 mod 2^52
      const __m512i mb = _mm512_set1_epi64(static_cast<long long>(m));
      a0[j] = _mm512_madd52lo_epu64(a0[j], x0[j], yb);
      a1[j] = _mm512_madd52lo_epu64(a1[j], x1[j], yb);
      a2[j] = _mm512_madd52lo_epu64(a2[j], x2[j], yb);
      a0[j] = _mm512_madd52lo_epu64(a0[j], p0, mb);
      a1[j] = _mm512_madd52lo_epu64(a1[j], p1, mb);
      a2[j] = _mm512_madd52lo_epu64(a2[j], p2, mb);
      a0[j] = _mm512_alignr_epi64(a1[j], a0[j], 1);  // one digit down
      a1[j] = _mm512_alignr_epi64(a2[j], a1[j], 1);
      a2[j] = _mm512_alignr_epi64(zero, a2[j], 1);
      a0[j] = _mm512_add_epi64(a0[j], _mm512_castsi128_si512(_mm_cvtsi64_si128(static_cast<long long>(carry))));
      a0[j] = _mm512_madd52hi_epu64(a0[j], x0[j], yb);
      a1[j] = _mm512_madd52hi_epu64(a1[j], x1[j], yb);
      a2[j] = _mm512_madd52hi_epu64(a2[j], x2[j], yb);
      a0[j] = _mm512_madd52hi_epu64(a0[j], p0, mb);
      a1[j] = _mm512_madd52hi_epu64(a1[j], p1, mb);
      a2[j] = _mm512_madd52hi_epu64(a2[j], p2, mb);
    }
  }
  for (int j = 0; j < K; ++j) {
    alignas(64) uint64_t d[24];
    _mm512_store_si512(d, a0[j]);
    _mm512_store_si512(d + 8, a1[j]);
    _mm512_store_si512(d + 16, a2[j]);
    uint64_t carry = 0;
#pragma clang loop unroll(full)
    for (int k = 0; k < kD; ++k) {  // normalise to 52-bit digits (the value is below 2p < 2^1025)
      const uint64_t v = d[k] + carry;
      d[k] = v & kMask52;
      carry = v >> 52;
    }
    uint64_t t[N + 1] = {0};
#pragma clang loop unroll(full)
    for (int k = 0; k < kD; ++k) {  // repack 20 x 52 into 17 x 64 bits
      const int pos = 52 * k, w = pos >> 6, s = pos & 63;
      t[w] |= d[k] << s;
      if (s > 12) t[w + 1] |= d[k] >> (64 - s);
    }
    Reduce(r[j], t, p);
  }
}

IfmaConstants MakeIfmaConstants(const uint64_t* p) {
  IfmaConstants c;
  for (int k = 0; k < kD; ++k) c.p52[k] = Digit(p, k, 0);
  uint64_t inv = 1;  // p^-1 mod 2^64, then mod 2^52
  for (int i = 0; i < 7; ++i) inv *= 2 - p[0] * inv;
  c.k0 = (uint64_t{0} - inv) & kMask52;
  return c;
}

const IfmaConstants& Ifma(const uint64_t* p) {
  static const IfmaConstants c = MakeIfmaConstants(p);  // this file serves one field
  return c;
}

void MulIfma(uint64_t* r, const uint64_t* a, const uint64_t* b, const uint64_t* p, uint64_t) {
  uint64_t* rs[1] = {r};
  const uint64_t* as[1] = {a};
  const uint64_t* bs[1] = {b};
  AmmIfma<1>(rs, as, bs, p, Ifma(p));
}

// K independent products (K = 2..4), interleaved.
void MulIfmaK(int k, uint64_t* const* r, const uint64_t* const* a, const uint64_t* const* b, const uint64_t* p) {
  switch (k) {
    case 2: return AmmIfma<2>(r, a, b, p, Ifma(p));
    case 3: return AmmIfma<3>(r, a, b, p, Ifma(p));
    default: return AmmIfma<4>(r, a, b, p, Ifma(p));
  }
}

bool CpuHasIfma() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  if (!(b >> 16 & 1) || !(b >> 21 & 1)) return false;  // AVX512F, AVX512_IFMA
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1)) return false;  // OSXSAVE
  unsigned lo = 0, hi = 0;
  __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (lo & 0xe6) == 0xe6;  // the OS saves the SSE, AVX and AVX-512 state
}

void LoadBe(Fe& r, const uint8_t* be) {
  for (int i = 0; i < N; ++i) {
    uint64_t w = 0;
    for (int k = 0; k < 8; ++k) w = w << 8 | be[kFeBytes - 8 * (i + 1) + k];
    r.v[i] = w;
  }
}

void StoreBe(const Fe& a, uint8_t* be) {
  for (int i = 0; i < N; ++i)
    for (int k = 0; k < 8; ++k) be[kFeBytes - 8 * (i + 1) + k] = static_cast<uint8_t>(a.v[i] >> (56 - 8 * k));
}

}  // namespace

Fp::Fp() {
  p_big_ = BigInt::FromHexConstant(
      "997ABB1F0A563FDA65C61198DAD0657A416C0CE19CB48261BE9AE358B3E01A2E"
      "F40AAB27E2FC0F1B228730D531A59CB0E791B39FF7C88A19356D27F4A666A6D0"
      "E26C6487326B4CD4512AC5CD65681CE1B6AFF4A831852A82A7CF3C521C3C09AA"
      "9F94D6AF56971F1FFCE3E82389857DB080C5DF10AC7ACE87666D807AFEA85FEB");
  const Bytes pb = p_big_.ToFixedBytes(kFeBytes);
  LoadBe(p_, pb.data());
  uint64_t inv = 1;  // Newton iteration for p^-1 mod 2^64
  for (int i = 0; i < 7; ++i) inv *= 2 - p_.v[0] * inv;
  n0_ = uint64_t{0} - inv;
  const Bytes r2 = BigInt::Mod(BigInt::PowerOfTwo(2 * 1024), p_big_).ToFixedBytes(kFeBytes);
  LoadBe(r2_, r2.data());
  const Bytes one = BigInt::Mod(BigInt::PowerOfTwo(1024), p_big_).ToFixedBytes(kFeBytes);
  LoadBe(one_, one.data());
  mul_ = Function(Supports(MulImpl::kAdx) ? MulImpl::kAdx : MulImpl::kPortable);
  Mul(r3_, r2_, r2_);  // R^4 / R
  ifma_ = Supports(MulImpl::kIfma) && !std::getenv("MCX_NO_IFMA") && !std::getenv("MCX_NO_AVX512");
}

void Fp::MulGroup(Fe* const* r, const Fe* const* a, const Fe* const* b, int k) const {
  if (ifma_ && k >= 2) {  // AmmIfma reads every input before it writes an output
    uint64_t* rv[4];
    const uint64_t *av[4], *bv[4];
    for (int j = 0; j < k; ++j) {
      rv[j] = r[j]->v;
      av[j] = a[j]->v;
      bv[j] = b[j]->v;
    }
    return MulIfmaK(k, rv, av, bv, p_.v);
  }
  Fe t[4];  // an output may alias a later product's input
  for (int j = 0; j < k; ++j) mul_(t[j].v, a[j]->v, b[j]->v, p_.v, n0_);
  for (int j = 0; j < k; ++j) *r[j] = t[j];
}

void Fp::Mul2(Fe& r1, const Fe& a1, const Fe& b1, Fe& r2, const Fe& a2, const Fe& b2) const {
  Fe* r[2] = {&r1, &r2};
  const Fe* a[2] = {&a1, &a2};
  const Fe* b[2] = {&b1, &b2};
  MulGroup(r, a, b, 2);
}

void Fp::Mul3(Fe& r1, const Fe& a1, const Fe& b1, Fe& r2, const Fe& a2, const Fe& b2, Fe& r3, const Fe& a3,
              const Fe& b3) const {
  Fe* r[3] = {&r1, &r2, &r3};
  const Fe* a[3] = {&a1, &a2, &a3};
  const Fe* b[3] = {&b1, &b2, &b3};
  MulGroup(r, a, b, 3);
}

void Fp::Mul4(Fe* const r[4], const Fe* const a[4], const Fe* const b[4]) const { MulGroup(r, a, b, 4); }

void Fp::MulBatchDistinct(Fe* const* r, const Fe* const* a, const Fe* const* b, int n) const {
  for (int j = 0; j < n;) {
    const int left = n - j;
    const int g = left == 5 ? 3 : (left >= 4 ? 4 : left);  // 5 = 3 + 2, 6 = 4 + 2, 7 = 4 + 3, ...
    MulGroup(r + j, a + j, b + j, g);
    j += g;
  }
}

void Fp::MulBatch(Fe* const* r, const Fe* const* a, const Fe* const* b, int n) const {
  if (n <= 4) return MulGroup(r, a, b, n);
  // Groups of up to four; inputs are copied first, as an earlier group's output may be a later
  // group's input.
  Fe in_a[kMaxBatch], in_b[kMaxBatch], out[kMaxBatch];
  const Fe *pa[kMaxBatch], *pb[kMaxBatch];
  Fe* po[kMaxBatch];
  for (int j = 0; j < n; ++j) {
    in_a[j] = *a[j];
    in_b[j] = *b[j];
    pa[j] = &in_a[j];
    pb[j] = &in_b[j];
    po[j] = &out[j];
  }
  MulBatchDistinct(po, pa, pb, n);
  for (int k = 0; k < n; ++k) *r[k] = out[k];
}

bool Fp::Supports(MulImpl m) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  switch (m) {
    case MulImpl::kPortable: return true;
    case MulImpl::kAdx:  // CPUID leaf 7: EBX bit 8 = BMI2, bit 19 = ADX
      return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 8 & 1) && (b >> 19 & 1);
    case MulImpl::kIfma: return CpuHasIfma();
  }
  return false;
}

Fp::MulFn Fp::Function(MulImpl m) {
  switch (m) {
    case MulImpl::kAdx: return &MulAdx;
    case MulImpl::kIfma: return &MulIfma;
    default: return &MulPortable;
  }
}

const char* Fp::MulName(MulImpl m) {
  switch (m) {
    case MulImpl::kAdx: return "MULX/ADX";
    case MulImpl::kIfma: return "AVX-512 IFMA";
    default: return "portable";
  }
}

const Fp& Fp::Sakke() {
  static const Fp f;
  return f;
}

void Fp::Add(Fe& r, const Fe& a, const Fe& b) const {
  unsigned long long s[N], t[N];
  unsigned char c = 0, bw = 0;
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) c = _addcarry_u64(c, a.v[j], b.v[j], &s[j]);
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) bw = _subborrow_u64(bw, s[j], p_.v[j], &t[j]);
  const uint64_t take = uint64_t{0} - static_cast<uint64_t>((c | (bw ^ 1)) & 1);  // a + b >= p
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) r.v[j] = (t[j] & take) | (s[j] & ~take);
}

void Fp::Sub(Fe& r, const Fe& a, const Fe& b) const {
  unsigned long long s[N];
  unsigned char bw = 0, c = 0;
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) bw = _subborrow_u64(bw, a.v[j], b.v[j], &s[j]);
  const uint64_t mask = uint64_t{0} - static_cast<uint64_t>(bw);  // add p back if a < b
  unsigned long long out;
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) {
    c = _addcarry_u64(c, s[j], p_.v[j] & mask, &out);
    r.v[j] = out;
  }
}

void Fp::Neg(Fe& r, const Fe& a) const {
  Fe z{};
  Sub(r, z, a);
}

bool Fp::IsZero(const Fe& a) const {
  uint64_t acc = 0;
  for (int j = 0; j < N; ++j) acc |= a.v[j];
  return acc == 0;
}

bool Fp::Equal(const Fe& a, const Fe& b) const {
  uint64_t acc = 0;
  for (int j = 0; j < N; ++j) acc |= a.v[j] ^ b.v[j];
  return acc == 0;
}

void Fp::Select(Fe& r, const Fe& a, const Fe& b, bool choose) {
  const uint64_t mask = uint64_t{0} - static_cast<uint64_t>(choose);
  for (int j = 0; j < N; ++j) r.v[j] = (a.v[j] & ~mask) | (b.v[j] & mask);
}

Fe Fp::FromBytes(const uint8_t* be) const {
  Fe x, r;
  LoadBe(x, be);
  Mul(r, x, r2_);  // x R^2 R^-1 = x R
  return r;
}

void Fp::ToBytes(const Fe& a, uint8_t* be) const {
  Fe one{}, r;
  one.v[0] = 1;
  Mul(r, a, one);  // a R^-1
  StoreBe(r, be);
}

Fe Fp::FromBigInt(const BigInt& x) const {
  const Bytes b = x.ToFixedBytes(kFeBytes);
  return FromBytes(b.data());
}

BigInt Fp::ToBigInt(const Fe& a) const {
  uint8_t b[kFeBytes];
  ToBytes(a, b);
  BigInt r = BigInt::FromBytes(ByteView(b, kFeBytes));
  SecureWipe(b, sizeof b);
  return r;
}

void Fp::Inv(Fe& r, const Fe& a) const {
  // a = x R: the plain inverse is x^-1 R^-1, and a Montgomery product with R^3 makes it x^-1 R.
  static const safegcd::ModInverter<N> inverter(p_.v);  // this file serves one field
  Fe t;
  inverter.Invert(t.v, a.v);
  Mul(r, t, r3_);
  SecureWipe(t.v, sizeof t.v);
}

}  // namespace mcx::crypto::fast
