#include "mcx/crypto/internal/bigint.h"

#include <openssl/bn.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>

#include "mcx/crypto/internal/safegcd.h"

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
  BigInt x = Mod(a, m);
  x.SetConstTime();
  if (BN_num_bits(m.bn_) > 256 || !BN_is_odd(m.bn_) || x.IsZero()) {  // general case: OpenSSL
    BigInt r;
    if (BN_mod_inverse(r.bn_, x.bn_, m.bn_, ThreadBnCtx()) == nullptr) throw std::bad_alloc();
    return r;
  }
  // Odd moduli up to 256 bits (the P-256 order and field): safegcd divsteps, several times faster.
  auto limbs = [](const BigInt& v) {
    const Bytes be = v.ToFixedBytes(32);
    std::array<uint64_t, 4> w{};
    for (int i = 0; i < 4; ++i)
      for (int k = 0; k < 8; ++k) w[i] = w[i] << 8 | be[32 - 8 * (i + 1) + k];
    SecureWipe(const_cast<uint8_t*>(be.data()), be.size());
    return w;
  };
  const std::array<uint64_t, 4> mw = limbs(m);
  std::array<uint64_t, 4> w = limbs(x);
  safegcd::ModInverter<4>(mw.data()).Invert(w.data(), w.data());
  uint8_t be[32];
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 8; ++k) be[32 - 8 * (i + 1) + k] = static_cast<uint8_t>(w[i] >> (56 - 8 * k));
  SecureWipe(w.data(), sizeof w);
  BigInt inv = FromBytes(ByteView(be, 32));
  SecureWipe(be, sizeof be);
  inv.SetConstTime();
  if (!ModMul(inv, x, m).IsOne()) throw std::invalid_argument("not invertible");  // gcd(a, m) > 1
  return inv;
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
