#include "mcx/security/srtp_keys.h"

#include <cstdio>

#include "mcx/crypto/kdf.h"
#include "mcx/crypto/wire.h"
#include "mcx/security/identity.h"

namespace mcx::security {

Bytes GroupMki(uint32_t gmk_id, uint32_t guk_id) {
  Bytes mki;
  crypto::AppendU32(mki, gmk_id);
  crypto::AppendU32(mki, guk_id);
  return mki;
}

Bytes KeyIdMki(uint32_t key_id) {
  Bytes mki;
  crypto::AppendU32(mki, key_id);
  return mki;
}

std::optional<MkiFields> ParseMki(ByteView mki) {
  if (mki.size() != 4 && mki.size() != 8) return std::nullopt;
  MkiFields f;
  f.key_id = crypto::LoadU32(mki.data());
  if (mki.size() == 8) f.guk_id = crypto::LoadU32(mki.data() + 4);
  return f;
}

namespace {

KeyLogSink& Sink() {
  static KeyLogSink sink;
  return sink;
}

std::string Hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

srtp::MasterKey MasterFrom(ByteView tgk, uint8_t cs_id, uint32_t csb_id, ByteView rand, Bytes mki) {
  crypto::kdf::SrtpMasterKeys k = crypto::kdf::SrtpMaster(tgk, cs_id, csb_id, rand);
  srtp::MasterKey mk{std::move(k.key), std::move(k.salt), std::move(mki)};
  if (Sink()) {
    const auto f = ParseMki(mk.mki);
    std::string what = f ? std::string(KeyPurposeName(PurposeOfKeyId(f->key_id))) + "-ID " + Hex32(f->key_id) : "";
    if (f && f->guk_id) what += ", sender GUK-ID " + Hex32(*f->guk_id);
    Sink()(mk, what + ", CS-ID " + std::to_string(cs_id));
  }
  return mk;
}

}  // namespace

void SetKeyLogSink(KeyLogSink sink) { Sink() = std::move(sink); }

srtp::MasterKey GroupSenderMasterKey(ByteView gmk, uint32_t gmk_id, uint32_t guk_id, ByteView rand, uint8_t cs_id) {
  return MasterFrom(gmk, cs_id, guk_id, rand, GroupMki(gmk_id, guk_id));
}

srtp::MasterKey KeyIdMasterKey(ByteView key, uint32_t key_id, ByteView rand, uint8_t cs_id) {
  return MasterFrom(key, cs_id, key_id, rand, KeyIdMki(key_id));
}

}  // namespace mcx::security
