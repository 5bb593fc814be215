#include "mcx/security/srtp_keys.h"

#include "mcx/crypto/kdf.h"
#include "mcx/crypto/wire.h"

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
srtp::MasterKey MasterFrom(ByteView tgk, uint8_t cs_id, uint32_t csb_id, ByteView rand, Bytes mki) {
  crypto::kdf::SrtpMasterKeys k = crypto::kdf::SrtpMaster(tgk, cs_id, csb_id, rand);
  return srtp::MasterKey{std::move(k.key), std::move(k.salt), std::move(mki)};
}
}  // namespace

srtp::MasterKey GroupSenderMasterKey(ByteView gmk, uint32_t gmk_id, uint32_t guk_id, ByteView rand, uint8_t cs_id) {
  return MasterFrom(gmk, cs_id, guk_id, rand, GroupMki(gmk_id, guk_id));
}

srtp::MasterKey KeyIdMasterKey(ByteView key, uint32_t key_id, ByteView rand, uint8_t cs_id) {
  return MasterFrom(key, cs_id, key_id, rand, KeyIdMki(key_id));
}

}  // namespace mcx::security
