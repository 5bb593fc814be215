// AES-128-GCM (OpenSSL EVP behind this header). IVs of any length (12 bytes for SRTP/RFC 7714,
// 16 bytes for the TS 33.180 protected payload, where GHASH derives J0). Tag 16 bytes.
#pragma once

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::crypto::aead {

inline constexpr size_t kAes128KeyBytes = 16;
inline constexpr size_t kGcmTagBytes = 16;

/// Returns ciphertext || tag. Errors: kBadLength (key not 16 bytes or empty IV).
Result<Bytes> Aes128GcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext);

/// Opens ciphertext || tag. Errors: kBadLength, kTruncated (shorter than the tag),
/// kAuthenticationFailed (a normal outcome: wrong key, altered data or AAD).
Result<SecretBytes> Aes128GcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView sealed);

/// AES-128 in counter mode from a 16-byte initial counter block: `len` bytes of keystream
/// (the RFC 3711 AES-CM PRF). Errors: kBadLength.
Result<SecretBytes> Aes128CtrKeystream(ByteView key, ByteView iv16, size_t len);

}  // namespace mcx::crypto::aead
