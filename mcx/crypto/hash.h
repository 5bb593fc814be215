// SHA-256 and HMAC-SHA-256 (OpenSSL EVP behind this header).
#pragma once

#include <memory>

#include "mcx/crypto/bytes.h"

namespace mcx::crypto {

constexpr size_t kSha256Bytes = 32;

Bytes Sha256(ByteView data);
Bytes HmacSha256(ByteView key, ByteView data);

/// Incremental SHA-256 over several parts.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  Sha256Hasher& Update(ByteView part);
  Bytes Final();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcx::crypto
