#include "mcx/crypto/hash.h"

#include <openssl/evp.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <stdexcept>

namespace mcx::crypto {

namespace {
// SHA-256 fetched once: EVP_sha256() makes every digest initialisation fetch it again (a
// provider lookup under a lock in OpenSSL 3).
const EVP_MD* Md() {
  static EVP_MD* const md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) throw std::bad_alloc();
    return m;
  }();
  return md;
}

// One digest context per thread, reused.
EVP_MD_CTX* Ctx() {
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) throw std::bad_alloc();
  return ctx.get();
}

void Digest(std::initializer_list<ByteView> parts, uint8_t* out) {
  EVP_MD_CTX* ctx = Ctx();
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx, Md(), nullptr) != 1) throw std::bad_alloc();
  for (ByteView p : parts)
    if (!p.empty()) EVP_DigestUpdate(ctx, p.data(), p.size());
  EVP_DigestFinal_ex(ctx, out, &len);
}
}  // namespace

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, Md(), nullptr) != 1)
    throw std::bad_alloc();
}
Sha256Hasher::~Sha256Hasher() = default;

Sha256Hasher& Sha256Hasher::Update(ByteView part) {
  if (!part.empty()) EVP_DigestUpdate(impl_->ctx, part.data(), part.size());
  return *this;
}

Bytes Sha256Hasher::Final() {
  Bytes out(kSha256Bytes);
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out.data(), &len);
  EVP_DigestInit_ex(impl_->ctx, Md(), nullptr);
  return out;
}

Bytes Sha256(ByteView data) {
  Bytes out(kSha256Bytes);
  Digest({data}, out.data());
  return out;
}

Bytes HmacSha256(ByteView key, ByteView data) {
  // RFC 2104: H((K ^ opad) || H((K ^ ipad) || data)), K hashed first when longer than a block.
  constexpr size_t kBlock = 64;
  uint8_t k[kBlock] = {0}, pad[kBlock], inner[kSha256Bytes];
  if (key.size() > kBlock) Digest({key}, k);
  else if (!key.empty()) std::memcpy(k, key.data(), key.size());
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  Digest({ByteView(pad, kBlock), data}, inner);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  Bytes out(kSha256Bytes);
  Digest({ByteView(pad, kBlock), ByteView(inner, kSha256Bytes)}, out.data());
  SecureWipe(k, sizeof k);
  SecureWipe(pad, sizeof pad);
  SecureWipe(inner, sizeof inner);
  return out;
}

}  // namespace mcx::crypto
