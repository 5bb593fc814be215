#include "bigint.h"

#include <immintrin.h>

#include <stdexcept>

#include <openssl/bn.h>

#include <cstdlib>
#include <memory>
#include <new>

namespace mcx::crypto {

namespace {
struct CtxDeleter {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};

BIGNUM* Check(BIGNUM* b) {
  if (b == nullptr) throw std::bad_alloc();
  return b;
}
void CheckOk(int rc) {
  if (rc != 1) throw std::bad_alloc();  // BIGNUM ops fail only on allocation or misuse
}
}  // namespace

bignum_ctx* ThreadBnCtx() {
  thread_local std::unique_ptr<BN_CTX, CtxDeleter> ctx(BN_CTX_secure_new());
  if (!ctx) throw std::bad_alloc();
  return ctx.get();
}

BigInt::BigInt() : bn_(Check(BN_new())) {}
BigInt::BigInt(uint64_t v) : BigInt() { CheckOk(BN_set_word(bn_, v)); }
BigInt::BigInt(const BigInt& o) : bn_(Check(BN_dup(o.bn_))) {}
BigInt::BigInt(BigInt&& o) noexcept : bn_(o.bn_) { o.bn_ = BN_new(); }
BigInt& BigInt::operator=(const BigInt& o) {
  if (this != &o) {
    if (BN_copy(bn_, o.bn_) == nullptr) throw std::bad_alloc();
    if (BN_get_flags(o.bn_, BN_FLG_CONSTTIME)) BN_set_flags(bn_, BN_FLG_CONSTTIME);
  }
  return *this;
}
BigInt& BigInt::operator=(BigInt&& o) noexcept {
  std::swap(bn_, o.bn_);
  return *this;
}
BigInt::~BigInt() { BN_clear_free(bn_); }

BigInt BigInt::FromBytes(ByteView be) {
  BigInt r;
  Check(BN_bin2bn(be.data(), static_cast<int>(be.size()), r.bn_));
  return r;
}

BigInt BigInt::FromHexConstant(std::string_view hex) {
  std::string s(hex);
  BigInt r;
  BIGNUM* p = r.bn_;
  if (BN_hex2bn(&p, s.c_str()) != static_cast<int>(s.size())) std::abort();
  return r;
}

Result<Bytes> BigInt::ToBytes(size_t width) const {
  if (static_cast<size_t>(BN_num_bytes(bn_)) > width) return Error::kBadLength;
  Bytes out(width);
  if (BN_bn2binpad(bn_, out.data(), static_cast<int>(width)) < 0) return Error::kBadLength;
  return out;
}

Bytes BigInt::ToFixedBytes(size_t width) const {
  auto r = ToBytes(width);
  if (!r) std::abort();
  return std::move(r).value();
}

Bytes BigInt::ToMinimalBytes() const {
  if (BN_is_zero(bn_)) return Bytes{0};
  Bytes out(BN_num_bytes(bn_));
  BN_bn2bin(bn_, out.data());
  return out;
}

int BigInt::BitLength() const { return BN_num_bits(bn_); }
bool BigInt::Bit(int i) const { return BN_is_bit_set(bn_, i) == 1; }
bool BigInt::IsZero() const { return BN_is_zero(bn_); }
bool BigInt::IsOne() const { return BN_is_one(bn_); }
int BigInt::Compare(const BigInt& o) const { return BN_cmp(bn_, o.bn_); }
void BigInt::SetConstTime() { BN_set_flags(bn_, BN_FLG_CONSTTIME); }

BigInt BigInt::Add(const BigInt& a, const BigInt& b) {
  BigInt r;
  CheckOk(BN_add(r.bn_, a.bn_, b.bn_));
  return r;
}
BigInt BigInt::Sub(const BigInt& a, const BigInt& b) {
  BigInt r;
  CheckOk(BN_sub(r.bn_, a.bn_, b.bn_));
  return r;
}
BigInt BigInt::Mul(const BigInt& a, const BigInt& b) {
  BigInt r;
  CheckOk(BN_mul(r.bn_, a.bn_, b.bn_, ThreadBnCtx()));
  return r;
}
BigInt BigInt::Mod(const BigInt& a, const BigInt& m) {
  BigInt r;
  CheckOk(BN_nnmod(r.bn_, a.bn_, m.bn_, ThreadBnCtx()));
  return r;
}
BigInt BigInt::ModAdd(const BigInt& a, const BigInt& b, const BigInt& m) {
  BigInt r;
  CheckOk(BN_mod_add(r.bn_, a.bn_, b.bn_, m.bn_, ThreadBnCtx()));
  return r;
}
BigInt BigInt::ModSub(const BigInt& a, const BigInt& b, const BigInt& m) {
  BigInt r;
  CheckOk(BN_mod_sub(r.bn_, a.bn_, b.bn_, m.bn_, ThreadBnCtx()));
  return r;
}
BigInt BigInt::ModMul(const BigInt& a, const BigInt& b, const BigInt& m) {
  BigInt r;
  CheckOk(BN_mod_mul(r.bn_, a.bn_, b.bn_, m.bn_, ThreadBnCtx()));
  return r;
}
BigInt BigInt::ModInverse(const BigInt& a, const BigInt& m) {
  BigInt r;
  BigInt x = Mod(a, m);
  x.SetConstTime();
  if (BN_mod_inverse(r.bn_, x.bn_, m.bn_, ThreadBnCtx()) == nullptr) throw std::bad_alloc();
  return r;
}
namespace {

// Up to 256 bits in 4 little-endian limbs, plus one for the carry of x + m.
struct U256 {
  uint64_t w[5] = {};
  bool IsOne() const { return w[0] == 1 && (w[1] | w[2] | w[3] | w[4]) == 0; }
  bool Even() const { return (w[0] & 1) == 0; }
  void Shr1() {
    for (int i = 0; i < 4; ++i) w[i] = (w[i] >> 1) | (w[i + 1] << 63);
    w[4] >>= 1;
  }
  bool Geq(const U256& o) const {
    for (int i = 4; i >= 0; --i)
      if (w[i] != o.w[i]) return w[i] > o.w[i];
    return true;
  }
  void Add(const U256& o) {
    unsigned char c = 0;
    for (int i = 0; i < 5; ++i) c = _addcarry_u64(c, w[i], o.w[i], reinterpret_cast<unsigned long long*>(&w[i]));
  }
  void Sub(const U256& o) {
    unsigned char b = 0;
    for (int i = 0; i < 5; ++i) b = _subborrow_u64(b, w[i], o.w[i], reinterpret_cast<unsigned long long*>(&w[i]));
  }
};

U256 ToU256(const Bytes& be32) {
  U256 r;
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 8; ++k) r.w[i] = r.w[i] << 8 | be32[32 - 8 * (i + 1) + k];
  return r;
}

// x / 2 mod m for odd m, x < m.
void Halve(U256& x, const U256& m) {
  if (!x.Even()) x.Add(m);
  x.Shr1();
}

// x - y mod m, both < m.
void SubMod(U256& x, const U256& y, const U256& m) {
  if (!x.Geq(y)) x.Add(m);
  x.Sub(y);
}

}  // namespace

BigInt BigInt::ModInverseVarTime(const BigInt& a, const BigInt& m) {
  BigInt x = Mod(a, m);
  if (BN_num_bits(m.bn_) > 256 || !BN_is_odd(m.bn_) || x.IsZero()) {  // general case: OpenSSL
    BigInt r, n;
    if (BN_copy(n.bn_, m.bn_) == nullptr) throw std::bad_alloc();
    if (BN_mod_inverse(r.bn_, x.bn_, n.bn_, ThreadBnCtx()) == nullptr) throw std::bad_alloc();
    return r;
  }
  // Binary extended Euclid (variable time): u x1 = a and v x2 = a (mod m) stay true while u and
  // v shrink; when one reaches 1 its x is a^-1.
  const U256 mod = ToU256(m.ToFixedBytes(32));
  U256 u = ToU256(x.ToFixedBytes(32)), v = mod, x1, x2;
  x1.w[0] = 1;
  while (!u.IsOne() && !v.IsOne()) {
    while (u.Even()) {
      u.Shr1();
      Halve(x1, mod);
    }
    while (v.Even()) {
      v.Shr1();
      Halve(x2, mod);
    }
    if (u.Geq(v)) {
      u.Sub(v);
      SubMod(x1, x2, mod);
    } else {
      v.Sub(u);
      SubMod(x2, x1, mod);
    }
    if ((u.w[0] | u.w[1] | u.w[2] | u.w[3] | u.w[4]) == 0) throw std::invalid_argument("not invertible");
  }
  const U256& inv = u.IsOne() ? x1 : x2;
  uint8_t be[32];
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 8; ++k) be[32 - 8 * (i + 1) + k] = static_cast<uint8_t>(inv.w[i] >> (56 - 8 * k));
  return FromBytes(ByteView(be, 32));
}

BigInt BigInt::PowerOfTwo(int bits) {
  BigInt r;
  CheckOk(BN_set_bit(r.bn_, bits));
  return r;
}

Result<BigInt> RandomScalar(Rng& rng, const BigInt& n) {
  const int bits = n.BitLength();
  const size_t width = static_cast<size_t>((bits + 7) / 8);
  const int excess = static_cast<int>(width * 8) - bits;
  for (int attempt = 0; attempt < 256; ++attempt) {
    auto raw = rng.Generate(width);
    if (!raw) return raw.error();
    raw.value()[0] &= static_cast<uint8_t>(0xff >> excess);
    BigInt k = BigInt::FromBytes(raw.value());
    k.SetConstTime();
    if (!k.IsZero() && k < n) return k;
  }
  return Error::kRandomFailure;  // 256 rejections in a row: the source is not random
}

Result<BigInt> DecodeScalar(ByteView bytes, size_t width, const BigInt& n) {
  if (bytes.size() != width) return Error::kBadLength;
  BigInt k = BigInt::FromBytes(bytes);
  k.SetConstTime();
  if (k.IsZero() || k >= n) return Error::kScalarOutOfRange;
  return k;
}

}  // namespace mcx::crypto
