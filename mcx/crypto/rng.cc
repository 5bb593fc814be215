#include "mcx/crypto/rng.h"

#include <openssl/rand.h>

#include <cstring>

#include "mcx/crypto/hash.h"

namespace mcx::crypto {

Result<SecretBytes> Rng::Generate(size_t len) {
  SecretBytes out(len);
  MCX_TRY(Fill(out.data(), len));
  return out;
}

Status SystemRng::Fill(uint8_t* out, size_t len) {
  if (len == 0) return Status::Ok();
  if (RAND_priv_bytes(out, static_cast<int>(len)) != 1) return Error::kRandomFailure;
  return Status::Ok();
}

// SP 800-90A 10.1.2.2 HMAC_DRBG_Update.
void HmacDrbg::Update(ByteView provided) {
  for (uint8_t round = 0; round < 2; ++round) {
    if (round == 1 && provided.empty()) break;
    Bytes msg(v_, v_ + 32);
    msg.push_back(round);
    Append(msg, provided);
    Bytes k = HmacSha256(ByteView(key_, 32), msg);
    std::memcpy(key_, k.data(), 32);
    Bytes v = HmacSha256(ByteView(key_, 32), ByteView(v_, 32));
    std::memcpy(v_, v.data(), 32);
    SecureWipe(k.data(), k.size());
    SecureWipe(msg.data(), msg.size());
  }
}

// SP 800-90A 10.1.2.3 instantiate: seed_material = entropy || nonce || personalization.
HmacDrbg::HmacDrbg(ByteView seed, ByteView personalization) {
  std::memset(key_, 0x00, sizeof key_);
  std::memset(v_, 0x01, sizeof v_);
  Bytes material = seed.ToBytes();
  Append(material, personalization);
  Update(material);
  SecureWipe(material.data(), material.size());
}

HmacDrbg::HmacDrbg(uint64_t seed, std::string_view stream) : HmacDrbg([&] {
      Bytes s;
      AppendU64(s, seed);
      return s;
    }(), ByteView(stream)) {}

HmacDrbg::~HmacDrbg() {
  SecureWipe(key_, sizeof key_);
  SecureWipe(v_, sizeof v_);
}

// SP 800-90A 10.1.2.5 generate (no additional input).
Status HmacDrbg::Fill(uint8_t* out, size_t len) {
  size_t done = 0;
  while (done < len) {
    Bytes v = HmacSha256(ByteView(key_, 32), ByteView(v_, 32));
    std::memcpy(v_, v.data(), 32);
    size_t n = std::min<size_t>(32, len - done);
    std::memcpy(out + done, v_, n);
    done += n;
  }
  Update(ByteView());
  return Status::Ok();
}

Status FixedRng::Fill(uint8_t* out, size_t len) {
  if (queue_.empty() || queue_.front().size() != len) return Error::kRandomFailure;
  std::memcpy(out, queue_.front().data(), len);
  queue_.pop_front();
  return Status::Ok();
}

}  // namespace mcx::crypto
