#include "offnet_floor.h"

#include <algorithm>

#include "mcx/crypto/kdf.h"
#include "mcx/crypto/key_policy.h"
#include "mcx/crypto/wire.h"

namespace mcx::models {

using proto::FieldId;
using proto::FloorMessage;
using proto::FloorMsgType;

namespace {
// TS 24.380 8.2.3.4 Reject Cause #1: another MCPTT client has permission.
constexpr uint16_t kRejectAnotherHasPermission = 1;
}  // namespace

const char* OffnetFloorStateName(OffnetFloorState s) {
  switch (s) {
    case OffnetFloorState::kStartStop: return "Start-stop";
    case OffnetFloorState::kSilence: return "O: silence";
    case OffnetFloorState::kHasNoPermission: return "O: has no permission";
    case OffnetFloorState::kPendingRequest: return "O: pending request";
    case OffnetFloorState::kHasPermission: return "O: has permission";
    case OffnetFloorState::kPendingGranted: return "O: pending granted";
    case OffnetFloorState::kQueued: return "O: queued";
  }
  return "?";
}

const char* FloorOutcomeName(FloorOutcome o) {
  switch (o) {
    case FloorOutcome::kGranted: return "granted";
    case FloorOutcome::kTakenUnarbitrated: return "taken";
    case FloorOutcome::kDenied: return "denied";
    case FloorOutcome::kAbandoned: return "abandoned";
    case FloorOutcome::kGrantedAfterQueue: return "granted_after_queue";
  }
  return "?";
}

OffnetFloorParticipant::OffnetFloorParticipant(OffnetFloorConfig cfg, OffnetFloorHooks hooks)
    : cfg_(std::move(cfg)), hooks_(std::move(hooks)) {}

OffnetFloorParticipant::~OffnetFloorParticipant() { Stop(); }

void OffnetFloorParticipant::Start() {
  if (state_ != OffnetFloorState::kStartStop) return;
  Enter(OffnetFloorState::kSilence);
  StartTimer(t230_, cfg_.t230_s, &OffnetFloorParticipant::OnT230);
}

void OffnetFloorParticipant::Stop() {
  for (uint64_t* t : {&t201_, &t203_, &t205_, &t206_, &t207_, &t230_}) StopTimer(*t);
  queue_.clear();
  if (ptt_pressed_at_) Finish(FloorOutcome::kAbandoned);
  if (state_ != OffnetFloorState::kStartStop) Enter(OffnetFloorState::kStartStop);
}

void OffnetFloorParticipant::Enter(OffnetFloorState s) {
  const OffnetFloorState from = state_;
  state_ = s;
  if (from != s && hooks_.on_state) hooks_.on_state(from, s);
}

void OffnetFloorParticipant::Send(const FloorMessage& m) {
  ++messages_sent_;
  hooks_.send(m);
}

void OffnetFloorParticipant::StartTimer(uint64_t& id, double delay_s, void (OffnetFloorParticipant::*fn)()) {
  StopTimer(id);
  id = hooks_.timers.schedule(delay_s, [this, fn, &id]() {
    id = 0;
    (this->*fn)();
  });
}

void OffnetFloorParticipant::StopTimer(uint64_t& id) {
  if (id != 0) hooks_.timers.cancel(id);
  id = 0;
}

void OffnetFloorParticipant::Finish(FloorOutcome o) {
  if (!ptt_pressed_at_) return;
  const double access = hooks_.timers.now() - *ptt_pressed_at_;
  ptt_pressed_at_.reset();
  if (on_outcome) on_outcome(o, access);
}

// ---- PTT ----

void OffnetFloorParticipant::PressPtt() {
  ptt_down_ = true;
  if (state_ != OffnetFloorState::kSilence && state_ != OffnetFloorState::kHasNoPermission) return;
  ptt_pressed_at_ = hooks_.timers.now();
  // TS 24.380 7.2.3.x (psc-ns3): reset C201, send Floor Request, start T201.
  c201_count_ = 0;
  Enter(OffnetFloorState::kPendingRequest);
  SendRequest();
}

void OffnetFloorParticipant::SendRequest() {
  ++c201_count_;
  Send(proto::OffnetFloorRequest(cfg_.ssrc, cfg_.user_id, cfg_.priority));
  StartTimer(t201_, cfg_.t201_s, &OffnetFloorParticipant::OnT201);
}

void OffnetFloorParticipant::ReleasePtt() {
  ptt_down_ = false;
  switch (state_) {
    case OffnetFloorState::kPendingRequest:
      StopTimer(t201_);
      Send(proto::OffnetFloorRelease(cfg_.ssrc, cfg_.user_id));
      Finish(FloorOutcome::kAbandoned);
      Enter(t203_ != 0 ? OffnetFloorState::kHasNoPermission : OffnetFloorState::kSilence);
      break;
    case OffnetFloorState::kHasPermission:
      ReleaseFloor();
      break;
    case OffnetFloorState::kQueued:  // leave the queue: the talker drops us on our Floor Release
      Send(proto::OffnetFloorRelease(cfg_.ssrc, cfg_.user_id));
      Finish(FloorOutcome::kAbandoned);
      Enter(OffnetFloorState::kHasNoPermission);
      StartTimer(t203_, cfg_.t203_s, &OffnetFloorParticipant::OnT203);
      break;
    default:
      break;
  }
}

void OffnetFloorParticipant::ReleaseFloor() {
  StopTimer(t206_);
  StopTimer(t207_);
  if (!queue_.empty()) {  // queueing: the first queued request gets the floor
    const Queued next = queue_.front();
    queue_.erase(queue_.begin());
    Grant(next.ssrc, next.user, next.priority);
    return;
  }
  // No queue: Floor Release to everyone, back to 'O: silence' with T230 (psc-ns3).
  Send(proto::OffnetFloorRelease(cfg_.ssrc, cfg_.user_id));
  talker_.clear();
  talker_ssrc_ = 0;
  Enter(OffnetFloorState::kSilence);
  StartTimer(t230_, cfg_.t230_s, &OffnetFloorParticipant::OnT230);
}

void OffnetFloorParticipant::Grant(uint32_t ssrc, const std::string& user, uint8_t priority) {
  // Floor Granted, repeated on T205 until the grantee's media arrives ('O: pending granted').
  granted_ssrc_ = ssrc;
  granted_user_ = user;
  granted_priority_ = priority;
  c205_count_ = 1;
  StopTimer(t206_);
  StopTimer(t207_);
  queue_.clear();  // the new talker arbitrates; the others queue again with it (inferred)
  Send(proto::OffnetFloorGranted(cfg_.ssrc, cfg_.user_id, granted_ssrc_, cfg_.granted_duration_s, priority));
  Enter(OffnetFloorState::kPendingGranted);
  StartTimer(t205_, cfg_.t205_s, &OffnetFloorParticipant::OnT205);
}

void OffnetFloorParticipant::Enqueue(uint32_t ssrc, const std::string& user, uint8_t priority) {
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Queued& q) { return q.ssrc == ssrc; });
  if (it == queue_.end()) {
    if (queue_.size() >= cfg_.max_queue) {
      Send(proto::OffnetFloorDeny(cfg_.ssrc, user, kRejectAnotherHasPermission));
      return;
    }
    auto at = std::find_if(queue_.begin(), queue_.end(), [&](const Queued& q) { return q.priority < priority; });
    it = queue_.insert(at, Queued{ssrc, user, priority});
  }
  const uint8_t position = static_cast<uint8_t>(it - queue_.begin() + 1);
  Send(proto::OffnetFloorQueuePositionInfo(cfg_.ssrc, cfg_.user_id, user, position, priority));
}

void OffnetFloorParticipant::TakeFloor(FloorOutcome how) {
  StopTimer(t201_);
  StopTimer(t203_);
  talker_ = cfg_.user_id;
  talker_ssrc_ = cfg_.ssrc;
  Enter(OffnetFloorState::kHasPermission);
  StartTimer(t206_, cfg_.t206_s, &OffnetFloorParticipant::OnT206);
  Finish(how);
}

void OffnetFloorParticipant::ListenTo(const std::string& talker, uint32_t ssrc) {
  if (!talker.empty()) talker_ = talker;
  talker_ssrc_ = ssrc;
  Enter(OffnetFloorState::kHasNoPermission);
  StartTimer(t203_, cfg_.t203_s, &OffnetFloorParticipant::OnT203);
}

// ---- timers ----

void OffnetFloorParticipant::OnT201() {
  if (state_ != OffnetFloorState::kPendingRequest) return;
  if (c201_count_ < cfg_.c201) {
    SendRequest();
    return;
  }
  // C201 reached without an answer: nobody arbitrates; take the floor and say so (Floor Taken).
  Send(proto::OffnetFloorTaken(cfg_.ssrc, cfg_.user_id, cfg_.user_id, true, seq_++));
  TakeFloor(FloorOutcome::kTakenUnarbitrated);
}

void OffnetFloorParticipant::OnT203() {
  if (state_ == OffnetFloorState::kQueued) {  // the talker went quiet without granting: ask again
    c201_count_ = 0;
    Enter(OffnetFloorState::kPendingRequest);
    SendRequest();
    return;
  }
  if (state_ != OffnetFloorState::kHasNoPermission) return;
  talker_.clear();
  talker_ssrc_ = 0;
  Enter(OffnetFloorState::kSilence);
}

void OffnetFloorParticipant::OnT205() {
  if (state_ != OffnetFloorState::kPendingGranted) return;
  if (c205_count_ >= cfg_.c205) {  // the granted user never started: the floor is free
    talker_.clear();
    Enter(OffnetFloorState::kSilence);
    return;
  }
  ++c205_count_;
  Send(proto::OffnetFloorGranted(cfg_.ssrc, cfg_.user_id, granted_ssrc_, cfg_.granted_duration_s, granted_priority_));
  StartTimer(t205_, cfg_.t205_s, &OffnetFloorParticipant::OnT205);
}

void OffnetFloorParticipant::OnT206() {
  if (state_ == OffnetFloorState::kHasPermission) StartTimer(t207_, cfg_.t207_s, &OffnetFloorParticipant::OnT207);
}

void OffnetFloorParticipant::OnT207() {
  if (state_ == OffnetFloorState::kHasPermission) ReleaseFloor();
}

void OffnetFloorParticipant::OnT230() { Stop(); }

// ---- received messages ----

void OffnetFloorParticipant::MediaReceived(uint32_t ssrc) {
  if (state_ == OffnetFloorState::kStartStop || ssrc == cfg_.ssrc) return;
  StartTimer(t230_, cfg_.t230_s, &OffnetFloorParticipant::OnT230);
  switch (state_) {
    case OffnetFloorState::kSilence:
      ListenTo("", ssrc);
      break;
    case OffnetFloorState::kHasNoPermission:
    case OffnetFloorState::kQueued:
      StartTimer(t203_, cfg_.t203_s, &OffnetFloorParticipant::OnT203);
      break;
    case OffnetFloorState::kPendingGranted:
      if (ssrc == granted_ssrc_) {
        StopTimer(t205_);
        ListenTo(granted_user_, ssrc);
      }
      break;
    default:
      break;
  }
}

void OffnetFloorParticipant::Receive(const FloorMessage& m) {
  if (state_ == OffnetFloorState::kStartStop || m.ssrc == cfg_.ssrc) return;
  StartTimer(t230_, cfg_.t230_s, &OffnetFloorParticipant::OnT230);
  const std::string sender = m.Text(FieldId::kUserId).value_or("");
  const FloorMsgType type = m.type();
  switch (state_) {
    case OffnetFloorState::kSilence:
      if (type == FloorMsgType::kTaken) ListenTo(sender, m.ssrc);
      else if (type == FloorMsgType::kGranted) ListenTo("", m.GrantedSsrc().value_or(0));
      // A Floor Request with nobody arbitrating is not answered: the requester takes the floor
      // after C201 expiries of T201.
      break;

    case OffnetFloorState::kHasNoPermission:
      if (type == FloorMsgType::kRelease && m.ssrc == talker_ssrc_) {
        StopTimer(t203_);
        talker_.clear();
        talker_ssrc_ = 0;
        Enter(OffnetFloorState::kSilence);
      } else if (type == FloorMsgType::kTaken) {
        ListenTo(sender, m.ssrc);
      } else if (type == FloorMsgType::kGranted) {
        ListenTo("", m.GrantedSsrc().value_or(0));
      }
      break;

    case OffnetFloorState::kPendingRequest:
      if (type == FloorMsgType::kGranted && m.GrantedSsrc() == cfg_.ssrc) {
        TakeFloor(FloorOutcome::kGranted);
      } else if (type == FloorMsgType::kGranted && talker_ssrc_ != 0 && m.GrantedSsrc() == talker_ssrc_) {
        // A repeat (T205) of the grant that made our current talker: our request stands.
      } else if (type == FloorMsgType::kGranted) {
        StopTimer(t201_);
        ListenTo("", m.GrantedSsrc().value_or(0));
        Finish(FloorOutcome::kDenied);
      } else if (type == FloorMsgType::kDeny && sender == cfg_.user_id) {
        StopTimer(t201_);
        ListenTo(talker_, m.ssrc);  // the denier holds the floor
        Finish(FloorOutcome::kDenied);
      } else if (type == FloorMsgType::kTaken) {
        StopTimer(t201_);
        ListenTo(sender, m.ssrc);
        Finish(FloorOutcome::kDenied);
      } else if (type == FloorMsgType::kQueuePositionInfo && m.Text(FieldId::kQueuedUserId) == cfg_.user_id) {
        // The talker queued us: wait for its Floor Granted ('O: queued').
        StopTimer(t201_);
        talker_ssrc_ = m.ssrc;
        Enter(OffnetFloorState::kQueued);
        StartTimer(t203_, cfg_.t203_s, &OffnetFloorParticipant::OnT203);  // the talker's media keeps us waiting
      }
      break;

    case OffnetFloorState::kQueued:
      if (type == FloorMsgType::kGranted && m.GrantedSsrc() == cfg_.ssrc) {
        TakeFloor(FloorOutcome::kGrantedAfterQueue);  // stops T203 too
      } else if (type == FloorMsgType::kGranted && m.GrantedSsrc() == talker_ssrc_) {
        // A repeat of the grant that made the talker who queued us.
      } else if (type == FloorMsgType::kGranted || (type == FloorMsgType::kRelease && m.ssrc == talker_ssrc_)) {
        // The floor went to someone else, or the talker left without granting: ask again (the
        // next talker queues us anew).
        talker_ssrc_ = type == FloorMsgType::kGranted ? m.GrantedSsrc().value_or(0) : 0;
        talker_.clear();
        c201_count_ = 0;
        Enter(OffnetFloorState::kPendingRequest);
        SendRequest();
      }
      break;

    case OffnetFloorState::kHasPermission:
      if (type == FloorMsgType::kRequest) {
        const uint8_t their = m.Priority().value_or(0);
        if (their > cfg_.priority) {
          Grant(m.ssrc, sender, their);  // pre-emption
        } else if (cfg_.queueing) {
          Enqueue(m.ssrc, sender, their);
        } else {
          Send(proto::OffnetFloorDeny(cfg_.ssrc, sender, kRejectAnotherHasPermission));
        }
      } else if (type == FloorMsgType::kRelease) {  // a queued user gave up
        queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [&](const Queued& q) { return q.ssrc == m.ssrc; }),
                     queue_.end());
      } else if (type == FloorMsgType::kGranted && m.GrantedSsrc() == cfg_.ssrc) {
        // A repeat (T205) of the grant that gave us the floor: not a second arbitrator.
      } else if (type == FloorMsgType::kTaken || type == FloorMsgType::kGranted) {
        ++duplicate_arbitrators_;  // another participant also believes it holds the floor
      }
      break;

    case OffnetFloorState::kPendingGranted:
      if (type == FloorMsgType::kRequest && m.ssrc == granted_ssrc_) {
        Send(proto::OffnetFloorGranted(cfg_.ssrc, cfg_.user_id, granted_ssrc_, cfg_.granted_duration_s, granted_priority_));
      } else if (type == FloorMsgType::kTaken && m.ssrc == granted_ssrc_) {
        StopTimer(t205_);
        ListenTo(sender, m.ssrc);
      }
      break;

    case OffnetFloorState::kStartStop:
      break;
  }
}

}  // namespace mcx::models

// ---------------------------------------------------------------------------------------------

namespace mcx::models {

namespace {
uint8_t OffnetControlCsId(crypto::policy::CallType call, bool initiator) {
  crypto::policy::Traffic t;
  t.call = call;
  t.network = crypto::policy::Network::kOffNetwork;
  t.delivery = call == crypto::policy::CallType::kGroup ? crypto::policy::Delivery::kMulticast
                                                        : crypto::policy::Delivery::kUnicast;
  t.plane = crypto::policy::Plane::kControl;
  t.initiator = initiator;
  auto choice = crypto::policy::Select(t);
  return choice ? choice->cs_id : 0;
}

crypto::srtp::MasterKey GroupMasterKey(crypto::ByteView gmk, uint32_t gmk_id, uint32_t guk_id, crypto::ByteView rand) {
  const uint8_t cs = OffnetControlCsId(crypto::policy::CallType::kGroup, true);
  crypto::kdf::SrtpMasterKeys k = crypto::kdf::SrtpMaster(gmk, cs, guk_id, rand);
  crypto::srtp::MasterKey mk{k.key, k.salt, {}};
  crypto::AppendU32(mk.mki, gmk_id);
  crypto::AppendU32(mk.mki, guk_id);
  return mk;
}
}  // namespace

OffnetFloorCrypto OffnetFloorCrypto::ForGroup(std::shared_ptr<const crypto::KeyStore> gmks, std::string group_uri,
                                              std::string user_uri, std::function<uint64_t()> unix_now) {
  OffnetFloorCrypto c;
  c.group_ = GroupKeys{gmks, std::move(group_uri), std::move(user_uri), std::move(unix_now), 0};
  // TS 33.180 7.4.2: the receiver derives each sender's key from the GMK-ID and GUK-ID in its MKI.
  c.receiver_ = std::make_unique<crypto::srtp::Receiver>(
      8, [gmks](crypto::ByteView mki) -> std::optional<crypto::srtp::MasterKey> {
        const crypto::StoredKey* k = mki.size() == 8 ? gmks->FindByMki(mki) : nullptr;
        if (k == nullptr || k->purpose != crypto::KeyPurpose::kGmk) return std::nullopt;
        return GroupMasterKey(k->key.view(), k->key_id, crypto::ByteReader(mki.Sub(4, 4)).U32(), k->rand);
      });
  return c;
}

OffnetFloorCrypto OffnetFloorCrypto::ForGroup(crypto::ByteView gmk, uint32_t gmk_id, crypto::ByteView rand,
                                              const std::string& user_uri) {
  auto store = std::make_shared<crypto::KeyStore>();
  crypto::StoredKey k;
  k.purpose = crypto::KeyPurpose::kGmk;
  k.key_id = gmk_id;
  k.key = crypto::SecretBytes(gmk);
  k.rand = rand.ToBytes();
  k.group_uri = "group";
  (void)store->Put(std::move(k));
  return ForGroup(store, "group", user_uri, [] { return uint64_t{0}; });
}

uint32_t OffnetFloorCrypto::SendingKeyId() const {
  if (!group_) return 0;
  const crypto::StoredKey* k = group_->store->ActiveGmk(group_->group_uri, group_->unix_now());
  return k ? k->key_id : 0;
}

crypto::Status OffnetFloorCrypto::UseActiveGmk() {
  if (!group_) return crypto::Status::Ok();
  const crypto::StoredKey* k = group_->store->ActiveGmk(group_->group_uri, group_->unix_now());
  if (k == nullptr) return crypto::Error::kKeyNotFound;
  if (sender_ && group_->sender_key_id == k->key_id) return crypto::Status::Ok();
  // A new GMK became active (5.2.4): the own per-sender key is rebuilt from it.
  const uint32_t guk = crypto::kdf::GukId(k->key.view(), k->key_id, group_->user_uri);
  sender_ = std::make_unique<crypto::srtp::Sender>(GroupMasterKey(k->key.view(), k->key_id, guk, k->rand));
  group_->sender_key_id = k->key_id;
  return crypto::Status::Ok();
}

crypto::Status OffnetFloorCrypto::CheckReceivedKey(crypto::ByteView wire) const {
  if (!group_ || wire.size() < 8) return crypto::Status::Ok();  // the receiver reports the rest
  const crypto::StoredKey* k = group_->store->FindByMki(wire.Sub(wire.size() - 8, 8));
  if (k == nullptr) return crypto::Error::kUnknownMki;
  if (k->revoked) return crypto::Error::kKeyRevoked;
  if (k->expiry_time != 0 && group_->unix_now() >= k->expiry_time) return crypto::Error::kKeyExpired;
  return crypto::Status::Ok();
}

OffnetFloorCrypto OffnetFloorCrypto::ForPrivate(crypto::ByteView pck, uint32_t pck_id, crypto::ByteView rand,
                                                bool initiator) {
  namespace kdf = crypto::kdf;
  // Each direction is its own crypto session (the caller's and the callee's CS-ID, from the key
  // policy), both keyed by the PCK with CSB-ID = PCK-ID and MKI = PCK-ID.
  auto session = [&](bool caller) {
    const uint8_t cs = OffnetControlCsId(crypto::policy::CallType::kPrivate, caller);
    kdf::SrtpMasterKeys k = kdf::SrtpMaster(pck, cs, pck_id, rand);
    crypto::srtp::MasterKey mk{k.key, k.salt, {}};
    crypto::AppendU32(mk.mki, pck_id);
    return mk;
  };
  OffnetFloorCrypto c;
  c.sender_ = std::make_unique<crypto::srtp::Sender>(session(initiator));
  const crypto::srtp::MasterKey peer = session(!initiator);
  c.receiver_ = std::make_unique<crypto::srtp::Receiver>(4, [peer](crypto::ByteView mki) -> std::optional<crypto::srtp::MasterKey> {
    if (mki != crypto::ByteView(peer.mki)) return std::nullopt;
    return peer;
  });
  return c;
}

crypto::Result<proto::ProtectedFloorMessage> OffnetFloorCrypto::Protect(const proto::FloorMessage& m) {
  if (crypto::Status st = UseActiveGmk(); !st.ok()) return st.error();
  return proto::Protect(*sender_, m);
}

crypto::Result<proto::FloorMessage> OffnetFloorCrypto::Unprotect(crypto::ByteView wire) {
  if (crypto::Status st = CheckReceivedKey(wire); !st.ok()) return st.error();
  return proto::Unprotect(*receiver_, wire);
}

crypto::Result<crypto::Bytes> OffnetFloorCrypto::ProtectMedia(crypto::ByteView rtp) {
  if (crypto::Status st = UseActiveGmk(); !st.ok()) return st.error();
  return sender_->ProtectRtp(rtp);
}

crypto::Result<crypto::Bytes> OffnetFloorCrypto::UnprotectMedia(crypto::ByteView srtp) {
  if (crypto::Status st = CheckReceivedKey(srtp); !st.ok()) return st.error();
  return receiver_->UnprotectRtp(srtp);
}

}  // namespace mcx::models
