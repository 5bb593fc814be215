#include "mcx/crypto/kdf.h"

#include "mcx/crypto/hash.h"

namespace mcx::crypto::kdf {

SecretBytes Kdf(ByteView key, uint8_t fc, std::initializer_list<ByteView> params) {
  Bytes s{fc};
  for (ByteView p : params) {
    Append(s, p);
    AppendU16(s, static_cast<uint16_t>(p.size()));
  }
  Bytes out = HmacSha256(key, s);
  SecretBytes r(out);
  SecureWipe(out.data(), out.size());
  return r;
}

SecretBytes Kdf128(ByteView key, uint8_t fc, std::initializer_list<ByteView> params) {
  SecretBytes full = Kdf(key, fc, params);
  return SecretBytes(full.view().Sub(full.size() - 16, 16));
}

uint32_t GukUserSalt(ByteView gmk, std::string_view user_uri) {
  SecretBytes out = Kdf(gmk, static_cast<uint8_t>(Fc::kGukUserSalt), {ByteView(user_uri)});
  return LoadU32(out.data() + out.size() - 4) & 0x0FFFFFFFu;  // the 28 least significant bits
}

uint32_t GukId(ByteView gmk, uint32_t gmk_id, std::string_view user_uri) {
  return ((gmk_id & 0x0FFFFFFFu) ^ GukUserSalt(gmk, user_uri)) | (gmk_id & 0xF0000000u);
}

uint32_t GmkIdFromGukId(ByteView gmk, uint32_t guk_id, std::string_view user_uri) {
  return GukId(gmk, guk_id, user_uri);  // XOR with the same salt undoes itself
}

namespace {
Bytes U32Bytes(uint32_t v) {
  Bytes b;
  AppendU32(b, v);
  return b;
}
}  // namespace

SecretBytes Dpck(ByteView dppk, uint32_t dppk_id) {
  return Kdf128(dppk, static_cast<uint8_t>(Fc::kDpck), {U32Bytes(dppk_id)});
}

SecretBytes SignallingConfidentialityKey(ByteView xpk, std::string_view user_id, uint32_t xpk_id) {
  return Kdf128(xpk, static_cast<uint8_t>(Fc::kSignallingConfidentiality),
                {ByteView(user_id), U32Bytes(xpk_id)});
}

SecretBytes SignallingIntegrityKey(ByteView xpk, std::string_view user_id, uint32_t xpk_id) {
  return Kdf128(xpk, static_cast<uint8_t>(Fc::kSignallingIntegrity),
                {ByteView(user_id), U32Bytes(xpk_id)});
}

SecretBytes MikeyPrf(ByteView inkey, ByteView label, size_t out_len) {
  // RFC 3830 4.1.2: n = ceil(inkey_len / 256 bits) chunks; m = ceil(outkey_len / 256 bits).
  const size_t chunk = 32;
  const size_t n = inkey.empty() ? 1 : (inkey.size() + chunk - 1) / chunk;
  const size_t m = (out_len + kSha256Bytes - 1) / kSha256Bytes;
  SecretBytes out(m * kSha256Bytes);
  for (size_t c = 0; c < n; ++c) {
    ByteView s = inkey.Sub(c * chunk, chunk);
    // P(s, label, m) = HMAC(s, A_1 || label) || ... ; A_0 = label, A_i = HMAC(s, A_{i-1}).
    Bytes a = label.ToBytes();
    for (size_t i = 0; i < m; ++i) {
      a = HmacSha256(s, a);
      Bytes in = a;
      Append(in, label);
      Bytes block = HmacSha256(s, in);
      for (size_t k = 0; k < kSha256Bytes; ++k) out[i * kSha256Bytes + k] ^= block[k];
      SecureWipe(block.data(), block.size());
      SecureWipe(in.data(), in.size());
    }
    SecureWipe(a.data(), a.size());
  }
  return SecretBytes(out.view().Sub(0, out_len));
}

Bytes MikeyLabel(uint32_t constant, uint8_t cs_id, uint32_t csb_id, ByteView rand) {
  Bytes label;
  AppendU32(label, constant);
  AppendU8(label, cs_id);
  AppendU32(label, csb_id);
  Append(label, rand);
  return label;
}

SrtpMasterKeys SrtpMaster(ByteView tgk, uint8_t cs_id, uint32_t csb_id, ByteView rand) {
  return SrtpMasterKeys{MikeyPrf(tgk, MikeyLabel(kLabelTek, cs_id, csb_id, rand), 16),
                        MikeyPrf(tgk, MikeyLabel(kLabelSalt, cs_id, csb_id, rand), 12)};
}

}  // namespace mcx::crypto::kdf
