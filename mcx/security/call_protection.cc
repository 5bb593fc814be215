#include "mcx/security/call_protection.h"

#include "mcx/crypto/kdf.h"
#include "mcx/security/key_policy.h"
#include "mcx/security/srtp_keys.h"

namespace mcx::security {

namespace {

// The CS-ID of an off-network call's control and media (TS 33.180 7.4, the key policy).
uint8_t OffnetCsId(policy::CallType call, bool initiator) {
  policy::Traffic t;
  t.call = call;
  t.network = policy::Network::kOffNetwork;
  t.delivery = call == policy::CallType::kGroup ? policy::Delivery::kMulticast : policy::Delivery::kUnicast;
  t.plane = policy::Plane::kControl;
  t.initiator = initiator;
  auto choice = policy::Select(t);
  return choice ? choice->cs_id : 0;
}

srtp::MasterKey GroupKey(const StoredKey& gmk, uint32_t guk_id) {
  return GroupSenderMasterKey(gmk.key.view(), gmk.key_id, guk_id, gmk.rand, OffnetCsId(policy::CallType::kGroup, true));
}

}  // namespace

CallProtection CallProtection::ForGroup(std::shared_ptr<const KeyStore> gmks, std::string group_uri,
                                        std::string user_uri, std::function<uint64_t()> unix_now) {
  CallProtection c;
  c.group_ = GroupKeys{gmks, std::move(group_uri), std::move(user_uri), std::move(unix_now), 0, {}};
  // TS 33.180 7.4.2: the receiver derives each sender's key from the GMK-ID and GUK-ID in its MKI.
  c.receiver_ = std::make_unique<srtp::Receiver>(8, [gmks](ByteView mki) -> std::optional<srtp::MasterKey> {
    const auto fields = ParseMki(mki);
    const StoredKey* k = fields && fields->guk_id ? gmks->FindByMki(mki) : nullptr;
    if (k == nullptr || k->purpose != KeyPurpose::kGmk) return std::nullopt;
    return GroupKey(*k, *fields->guk_id);
  });
  return c;
}

CallProtection CallProtection::ForGroup(ByteView gmk, uint32_t gmk_id, ByteView rand, const std::string& user_uri) {
  auto store = std::make_shared<KeyStore>();
  StoredKey k;
  k.purpose = KeyPurpose::kGmk;
  k.key_id = gmk_id;
  k.key = SecretBytes(gmk);
  k.rand = rand.ToBytes();
  k.group_uri = "group";
  (void)store->Put(std::move(k));
  return ForGroup(store, "group", user_uri, [] { return uint64_t{0}; });
}

uint32_t CallProtection::SendingKeyId() const {
  if (!group_) return 0;
  const StoredKey* k = group_->store->ActiveGmk(group_->group_uri, group_->unix_now());
  return k ? k->key_id : 0;
}

Status CallProtection::UseActiveGmk() {
  if (!group_) return Status::Ok();
  const StoredKey* k = group_->store->ActiveGmk(group_->group_uri, group_->unix_now());
  if (k == nullptr) return Error::kKeyNotFound;
  if (sender_ && group_->sender_key_id == k->key_id) return Status::Ok();
  // Another GMK became active (5.2.4): the own per-sender key is built from it, or its context
  // taken up again where it was left.
  auto& s = group_->used[k->key_id];
  if (!s) s = std::make_unique<srtp::Sender>(GroupKey(*k, kdf::GukId(k->key.view(), k->key_id, group_->user_uri)));
  sender_ = s.get();
  group_->sender_key_id = k->key_id;
  return Status::Ok();
}

Status CallProtection::CheckReceivedKey(ByteView wire) const {
  if (!group_ || wire.size() < 8) return Status::Ok();  // the receiver reports the rest
  const StoredKey* k = group_->store->FindByMki(wire.Sub(wire.size() - 8, 8));
  if (k == nullptr) return Error::kUnknownMki;
  // TS 33.180 5.7, 7.4.2: the call's group's GMK only. A device in two groups holds both GMKs;
  // a member of the other group must not be heard in this group's call.
  if (k->group_uri != group_->group_uri) return Error::kGroupMismatch;
  return k->CheckUsable(group_->unix_now(), KeyUse::kReceive);
}

CallProtection CallProtection::ForPrivate(ByteView pck, uint32_t pck_id, ByteView rand, bool initiator) {
  // Each direction is its own crypto session (the caller's and the callee's CS-ID, from the key
  // policy), both keyed by the PCK with CSB-ID = PCK-ID and MKI = PCK-ID.
  auto session = [&](bool caller) {
    return PrivateCallMasterKey(pck, pck_id, rand, OffnetCsId(policy::CallType::kPrivate, caller));
  };
  CallProtection c;
  c.private_sender_ = std::make_unique<srtp::Sender>(session(initiator));
  c.sender_ = c.private_sender_.get();
  const srtp::MasterKey peer = session(!initiator);
  c.receiver_ = std::make_unique<srtp::Receiver>(4, [peer](ByteView mki) -> std::optional<srtp::MasterKey> {
    if (mki != ByteView(peer.mki)) return std::nullopt;
    return peer;
  });
  return c;
}

Result<ProtectedFloorMessage> CallProtection::Protect(const codec::FloorMessage& m) {
  if (Status st = UseActiveGmk(); !st.ok()) return st.error();
  return ProtectFloor(*sender_, m);
}

Result<codec::FloorMessage> CallProtection::Unprotect(ByteView wire) {
  if (Status st = CheckReceivedKey(wire); !st.ok()) return st.error();
  return UnprotectFloor(*receiver_, wire);
}

Result<Bytes> CallProtection::ProtectMedia(ByteView rtp) {
  if (Status st = UseActiveGmk(); !st.ok()) return st.error();
  return sender_->ProtectRtp(rtp);
}

Result<Bytes> CallProtection::UnprotectMedia(ByteView srtp) {
  if (Status st = CheckReceivedKey(srtp); !st.ok()) return st.error();
  return receiver_->UnprotectRtp(srtp);
}

}  // namespace mcx::security
