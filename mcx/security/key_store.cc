#include "mcx/security/key_store.h"

#include "mcx/security/srtp_keys.h"

namespace mcx::security {

Status StoredKey::CheckUsable(uint64_t unix_now, KeyUse use) const {
  if (revoked) return Error::kKeyRevoked;
  if (expiry_time != 0 && unix_now >= expiry_time) return Error::kKeyExpired;
  if (use == KeyUse::kSend && activation_time > unix_now) return Error::kKeyNotFound;
  return Status::Ok();
}

void KeyStore::PutIdentity(std::shared_ptr<const mikey_sakke::LocalIdentity> identity) {
  auto k = std::make_pair(identity->keys().kms_uri, identity->keys().period_no);
  identities_.insert_or_assign(std::move(k), std::move(identity));
}

const mikey_sakke::LocalIdentity* KeyStore::Identity(std::string_view kms_uri, uint64_t period_no) const {
  auto it = identities_.find(std::make_pair(std::string(kms_uri), period_no));
  return it == identities_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const mikey_sakke::LocalIdentity> KeyStore::IdentityAt(const mikey_sakke::KmsPublicInfo& kms,
                                                                       uint64_t ntp_now) const {
  auto period = kms.period.Number(ntp_now);
  if (!period) return nullptr;
  auto it = identities_.find(std::make_pair(kms.kms_uri, *period));
  return it == identities_.end() ? nullptr : it->second;
}

void KeyStore::PutKms(mikey_sakke::KmsPublicInfo kms) {
  for (auto& k : kms_)
    if (k.kms_uri == kms.kms_uri) {
      k = std::move(kms);
      return;
    }
  kms_.push_back(std::move(kms));
}

void KeyStore::DropIdentitiesBefore(std::string_view kms_uri, uint64_t period_no) {
  for (auto it = identities_.begin(); it != identities_.end();) {
    if (it->first.first == kms_uri && it->first.second < period_no)
      it = identities_.erase(it);
    else
      ++it;
  }
}

Status KeyStore::AcceptIMessage(crypto::ByteView i_message, const mikey_sakke::LocalIdentity& me,
                                const mikey_sakke::ReceiveContext& ctx) {
  auto r = mikey_sakke::ProcessIMessage(i_message, me, ctx);
  if (!r) return r.error();
  return Accept(*r);
}

Status KeyStore::Accept(const mikey_sakke::ReceivedKey& r) {
  auto it = keys_.find(r.key_id);
  if (it != keys_.end()) {
    if (!ConstantTimeEqual(it->second.key, r.key)) return Error::kDuplicateKeyId;
    if (r.revoked) {
      const bool newly = !it->second.revoked;
      it->second.revoked = true;
      if (newly) Stored(it->second);
      return Error::kKeyRevoked;
    }
    return Status::Ok();
  }
  if (r.revoked) return Error::kKeyRevoked;
  StoredKey k;
  k.purpose = r.purpose;
  k.key_id = r.key_id;
  k.csb_id = r.csb_id;
  k.key = r.key;
  k.rand = r.rand;
  k.cs_id = r.cs_id;
  k.peer_uri = r.sender_uri;
  if (r.params && !r.legacy_params) {
    if (!r.params->group_ids.empty()) k.group_uri = r.params->group_ids.front();
    k.activation_time = r.params->activation_time;
    k.expiry_time = r.params->expiry_time;
    k.text = r.params->text;
  }
  arrival_[k.key_id] = ++arrivals_;
  const StoredKey& stored = keys_.emplace(k.key_id, std::move(k)).first->second;
  Stored(stored);
  return Status::Ok();
}

Status KeyStore::Put(StoredKey k) {
  if (PurposeOfKeyId(k.key_id) != k.purpose) return Error::kKeyTypeMismatch;
  auto it = keys_.find(k.key_id);
  if (it != keys_.end() && !ConstantTimeEqual(it->second.key, k.key)) return Error::kDuplicateKeyId;
  const bool fresh = it == keys_.end();
  if (fresh) arrival_[k.key_id] = ++arrivals_;
  const StoredKey& stored = keys_.insert_or_assign(k.key_id, std::move(k)).first->second;
  if (fresh) Stored(stored);
  return Status::Ok();
}

Status KeyStore::ProvisionSpk(uint32_t spk_id, ByteView spk, std::string peer_server_uri) {
  if (spk.size() != 16) return Error::kBadLength;
  StoredKey k;
  k.purpose = KeyPurpose::kSpk;
  k.key_id = spk_id;
  k.csb_id = spk_id;
  k.key = SecretBytes(spk);
  k.peer_uri = std::move(peer_server_uri);
  return Put(std::move(k));
}

const StoredKey* KeyStore::FindByKeyId(uint32_t key_id) const {
  auto it = keys_.find(key_id);
  return it == keys_.end() ? nullptr : &it->second;
}

const StoredKey* KeyStore::FindByMki(ByteView mki) const {
  const auto fields = ParseMki(mki);
  if (!fields) return nullptr;
  const StoredKey* k = FindByKeyId(fields->key_id);
  if (k && fields->guk_id && k->purpose != KeyPurpose::kGmk) return nullptr;  // GMK-ID || GUK-ID
  return k;
}

const StoredKey* KeyStore::ActiveGmk(std::string_view group_uri, uint64_t unix_now) const {
  const StoredKey* best = nullptr;
  for (const auto& [id, k] : keys_) {
    if (k.purpose != KeyPurpose::kGmk || k.group_uri != group_uri || !k.ActiveAt(unix_now)) continue;
    // Equal activation times (two rekeys within a second): the one that arrived last.
    if (best == nullptr || k.activation_time > best->activation_time ||
        (k.activation_time == best->activation_time && arrival_.at(id) > arrival_.at(best->key_id)))
      best = &k;
  }
  return best;
}

std::vector<const StoredKey*> KeyStore::Keys(KeyPurpose purpose) const {
  std::vector<const StoredKey*> out;
  for (const auto& [id, k] : keys_)
    if (k.purpose == purpose) out.push_back(&k);
  return out;
}

size_t KeyStore::PurgeExpired(uint64_t unix_now) {
  size_t n = 0;
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.expiry_time != 0 && it->second.expiry_time <= unix_now) {
      it = keys_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace mcx::security
