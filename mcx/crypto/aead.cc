#include "mcx/crypto/aead.h"

#include <openssl/evp.h>

#include <memory>

namespace mcx::crypto::aead {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

bool Init(EVP_CIPHER_CTX* c, bool enc, ByteView key, ByteView iv, ByteView aad) {
  int len = 0;
  return EVP_CipherInit_ex(c, EVP_aes_128_gcm(), nullptr, nullptr, nullptr, enc ? 1 : 0) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) == 1 &&
         EVP_CipherInit_ex(c, nullptr, nullptr, key.data(), iv.data(), enc ? 1 : 0) == 1 &&
         (aad.empty() ||
          EVP_CipherUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1);
}

}  // namespace

Result<Bytes> Aes128GcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext) {
  if (key.size() != kAes128KeyBytes || iv.empty()) return Error::kBadLength;
  CipherCtx c(EVP_CIPHER_CTX_new());
  if (!c || !Init(c.get(), true, key, iv, aad)) return Error::kInternal;
  Bytes out(plaintext.size() + kGcmTagBytes);
  int len = 0, fin = 0;
  if ((!plaintext.empty() && EVP_EncryptUpdate(c.get(), out.data(), &len, plaintext.data(),
                                               static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(c.get(), out.data() + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes,
                          out.data() + plaintext.size()) != 1)
    return Error::kInternal;
  return out;
}

Result<SecretBytes> Aes128GcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView sealed) {
  if (key.size() != kAes128KeyBytes || iv.empty()) return Error::kBadLength;
  if (sealed.size() < kGcmTagBytes) return Error::kTruncated;
  const size_t n = sealed.size() - kGcmTagBytes;
  CipherCtx c(EVP_CIPHER_CTX_new());
  if (!c || !Init(c.get(), false, key, iv, aad)) return Error::kInternal;
  SecretBytes out(n);
  int len = 0, fin = 0;
  if (n > 0 &&
      EVP_DecryptUpdate(c.get(), out.data(), &len, sealed.data(), static_cast<int>(n)) != 1)
    return Error::kInternal;
  Bytes tag(sealed.begin() + n, sealed.end());
  if (EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data()) != 1)
    return Error::kInternal;
  if (EVP_DecryptFinal_ex(c.get(), out.data() + len, &fin) != 1) return Error::kAuthenticationFailed;
  return out;
}

Result<SecretBytes> Aes128CtrKeystream(ByteView key, ByteView iv16, size_t len) {
  if (key.size() != kAes128KeyBytes || iv16.size() != 16) return Error::kBadLength;
  CipherCtx c(EVP_CIPHER_CTX_new());
  SecretBytes out(len);
  Bytes zeros(len, 0);
  int n = 0, fin = 0;
  if (!c || EVP_EncryptInit_ex(c.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv16.data()) != 1 ||
      (len > 0 && EVP_EncryptUpdate(c.get(), out.data(), &n, zeros.data(), static_cast<int>(len)) != 1) ||
      EVP_EncryptFinal_ex(c.get(), out.data() + n, &fin) != 1)
    return Error::kInternal;
  return out;
}

}  // namespace mcx::crypto::aead
