#include "fp1024.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cstring>

namespace mcx::crypto::fast {

namespace {

__extension__ typedef unsigned __int128 u128;
constexpr int N = kLimbs;

// Final step of Montgomery multiplication: t (N+1 limbs, < 2p) -> t mod p, constant time.
inline void Reduce(uint64_t* r, const uint64_t* t, const uint64_t* p) {
  uint64_t s[N];
  uint64_t borrow = 0;
#pragma GCC unroll 16
  for (int j = 0; j < N; ++j) {
    const u128 d = static_cast<u128>(t[j]) - p[j] - borrow;
    s[j] = static_cast<uint64_t>(d);
    borrow = static_cast<uint64_t>(d >> 64) & 1;
  }
  const uint64_t take = uint64_t{0} - static_cast<uint64_t>(t[N] >= borrow);  // t >= p
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
  unsigned a = 0, b = 0, c = 0, d = 0;  // CPUID leaf 7: EBX bit 8 = BMI2, bit 19 = ADX
  adx_ = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 8 & 1) && (b >> 19 & 1);
  mul_ = adx_ ? &MulAdx : &MulPortable;
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

void Fp::Inv(Fe& r, const Fe& a) const { r = FromBigInt(BigInt::ModInverse(ToBigInt(a), p_big_)); }

}  // namespace mcx::crypto::fast
