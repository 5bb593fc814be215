#include "mcx/procedures/offnet/offnet_floor_participant.h"

#include <algorithm>

#include "mcx/crypto/kdf.h"
#include "mcx/security/key_policy.h"
#include "mcx/crypto/wire.h"

namespace mcx::procedures {


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

OffnetFloorParticipant::OffnetFloorParticipant(OffnetFloorConfig cfg, Host& host, OffnetFloorHooks hooks)
    : cfg_(std::move(cfg)),
      host_(host),
      hooks_(std::move(hooks)),
      t201_(host),
      t203_(host),
      t205_(host),
      t206_(host),
      t207_(host),
      t230_(host) {}

OffnetFloorParticipant::~OffnetFloorParticipant() { Stop(); }

void OffnetFloorParticipant::Start() {
  if (state_ != OffnetFloorState::kStartStop) return;
  Enter(OffnetFloorState::kSilence);
  t230_.Start(cfg_.t230_s, [this] { OnT230(); });
}

void OffnetFloorParticipant::Stop() {
  for (HostTimer* t : {&t201_, &t203_, &t205_, &t206_, &t207_, &t230_}) t->Stop();
  queue_.clear();
  if (ptt_pressed_at_) Finish(FloorOutcome::kAbandoned);
  if (state_ != OffnetFloorState::kStartStop) Enter(OffnetFloorState::kStartStop);
}

void OffnetFloorParticipant::Enter(OffnetFloorState s) {
  const OffnetFloorState from = state_;
  state_ = s;
  if (from != s && hooks_.on_state) hooks_.on_state(from, s);
}

void OffnetFloorParticipant::Send(const codec::FloorMessage& m) {
  ++messages_sent_;
  hooks_.send(m);
}

void OffnetFloorParticipant::Finish(FloorOutcome o) {
  if (!ptt_pressed_at_) return;
  const double access = host_.Now() - *ptt_pressed_at_;
  ptt_pressed_at_.reset();
  if (on_outcome) on_outcome(o, access);
}

// ---- PTT ----

void OffnetFloorParticipant::PressPtt() {
  ptt_down_ = true;
  if (state_ != OffnetFloorState::kSilence && state_ != OffnetFloorState::kHasNoPermission) return;
  ptt_pressed_at_ = host_.Now();
  // TS 24.380 7.2.3.x (psc-ns3): reset C201, send Floor Request, start T201.
  c201_count_ = 0;
  Enter(OffnetFloorState::kPendingRequest);
  SendRequest();
}

void OffnetFloorParticipant::SendRequest() {
  ++c201_count_;
  Send(codec::OffnetFloorRequest(cfg_.ssrc, cfg_.user_id, cfg_.priority));
  t201_.Start(cfg_.t201_s, [this] { OnT201(); });
}

void OffnetFloorParticipant::ReleasePtt() {
  ptt_down_ = false;
  switch (state_) {
    case OffnetFloorState::kPendingRequest:
      t201_.Stop();
      Send(codec::OffnetFloorRelease(cfg_.ssrc, cfg_.user_id));
      Finish(FloorOutcome::kAbandoned);
      Enter(t203_.running() ? OffnetFloorState::kHasNoPermission : OffnetFloorState::kSilence);
      break;
    case OffnetFloorState::kHasPermission:
      ReleaseFloor();
      break;
    case OffnetFloorState::kQueued:  // leave the queue: the talker drops us on our Floor Release
      Send(codec::OffnetFloorRelease(cfg_.ssrc, cfg_.user_id));
      Finish(FloorOutcome::kAbandoned);
      Enter(OffnetFloorState::kHasNoPermission);
      t203_.Start(cfg_.t203_s, [this] { OnT203(); });
      break;
    default:
      break;
  }
}

void OffnetFloorParticipant::ReleaseFloor() {
  t206_.Stop();
  t207_.Stop();
  if (!queue_.empty()) {  // queueing: the first queued request gets the floor
    const Queued next = queue_.front();
    queue_.erase(queue_.begin());
    Grant(next.ssrc, next.user, next.priority);
    return;
  }
  // No queue: Floor Release to everyone, back to 'O: silence' with T230 (psc-ns3).
  Send(codec::OffnetFloorRelease(cfg_.ssrc, cfg_.user_id));
  talker_.clear();
  talker_ssrc_ = 0;
  Enter(OffnetFloorState::kSilence);
  t230_.Start(cfg_.t230_s, [this] { OnT230(); });
}

void OffnetFloorParticipant::Grant(uint32_t ssrc, const std::string& user, uint8_t priority) {
  // Floor Granted, repeated on T205 until the grantee's media arrives ('O: pending granted').
  granted_ssrc_ = ssrc;
  granted_user_ = user;
  granted_priority_ = priority;
  c205_count_ = 1;
  t206_.Stop();
  t207_.Stop();
  queue_.clear();  // the new talker arbitrates; the others queue again with it (inferred)
  Send(codec::OffnetFloorGranted(cfg_.ssrc, cfg_.user_id, granted_ssrc_, cfg_.granted_duration_s, priority));
  Enter(OffnetFloorState::kPendingGranted);
  t205_.Start(cfg_.t205_s, [this] { OnT205(); });
}

void OffnetFloorParticipant::Enqueue(uint32_t ssrc, const std::string& user, uint8_t priority) {
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Queued& q) { return q.ssrc == ssrc; });
  if (it == queue_.end()) {
    if (queue_.size() >= cfg_.max_queue) {
      Send(codec::OffnetFloorDeny(cfg_.ssrc, user, codec::kDenyAnotherHasPermission));
      return;
    }
    auto at = std::find_if(queue_.begin(), queue_.end(), [&](const Queued& q) { return q.priority < priority; });
    it = queue_.insert(at, Queued{ssrc, user, priority});
  }
  const uint8_t position = static_cast<uint8_t>(it - queue_.begin() + 1);
  Send(codec::OffnetFloorQueuePositionInfo(cfg_.ssrc, cfg_.user_id, user, position, priority));
}

void OffnetFloorParticipant::TakeFloor(FloorOutcome how) {
  t201_.Stop();
  t203_.Stop();
  talker_ = cfg_.user_id;
  talker_ssrc_ = cfg_.ssrc;
  Enter(OffnetFloorState::kHasPermission);
  t206_.Start(cfg_.t206_s, [this] { OnT206(); });
  Finish(how);
}

void OffnetFloorParticipant::ListenTo(const std::string& talker, uint32_t ssrc) {
  if (!talker.empty()) talker_ = talker;
  talker_ssrc_ = ssrc;
  Enter(OffnetFloorState::kHasNoPermission);
  t203_.Start(cfg_.t203_s, [this] { OnT203(); });
}

// ---- timers ----

void OffnetFloorParticipant::OnT201() {
  if (state_ != OffnetFloorState::kPendingRequest) return;
  if (c201_count_ < cfg_.c201) {
    SendRequest();
    return;
  }
  // C201 reached without an answer: nobody arbitrates; take the floor and say so (Floor Taken).
  Send(codec::OffnetFloorTaken(cfg_.ssrc, cfg_.user_id, cfg_.user_id, true, seq_++));
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
  Send(codec::OffnetFloorGranted(cfg_.ssrc, cfg_.user_id, granted_ssrc_, cfg_.granted_duration_s, granted_priority_));
  t205_.Start(cfg_.t205_s, [this] { OnT205(); });
}

void OffnetFloorParticipant::OnT206() {
  if (state_ == OffnetFloorState::kHasPermission) t207_.Start(cfg_.t207_s, [this] { OnT207(); });
}

void OffnetFloorParticipant::OnT207() {
  if (state_ == OffnetFloorState::kHasPermission) ReleaseFloor();
}

void OffnetFloorParticipant::OnT230() { Stop(); }

// ---- received messages ----

void OffnetFloorParticipant::MediaReceived(uint32_t ssrc) {
  if (state_ == OffnetFloorState::kStartStop || ssrc == cfg_.ssrc) return;
  t230_.Start(cfg_.t230_s, [this] { OnT230(); });
  switch (state_) {
    case OffnetFloorState::kSilence:
      ListenTo("", ssrc);
      break;
    case OffnetFloorState::kHasNoPermission:
    case OffnetFloorState::kQueued:
      t203_.Start(cfg_.t203_s, [this] { OnT203(); });
      break;
    case OffnetFloorState::kPendingGranted:
      if (ssrc == granted_ssrc_) {
        t205_.Stop();
        ListenTo(granted_user_, ssrc);
      }
      break;
    default:
      break;
  }
}

void OffnetFloorParticipant::Receive(const codec::FloorMessage& m) {
  if (state_ == OffnetFloorState::kStartStop || m.ssrc == cfg_.ssrc) return;
  t230_.Start(cfg_.t230_s, [this] { OnT230(); });
  const std::string sender = m.Text(codec::FieldId::kUserId).value_or("");
  const codec::FloorMsgType type = m.type();
  switch (state_) {
    case OffnetFloorState::kSilence:
      if (type == codec::FloorMsgType::kTaken) ListenTo(sender, m.ssrc);
      else if (type == codec::FloorMsgType::kGranted) ListenTo("", m.GrantedSsrc().value_or(0));
      // A Floor Request with nobody arbitrating is not answered: the requester takes the floor
      // after C201 expiries of T201.
      break;

    case OffnetFloorState::kHasNoPermission:
      if (type == codec::FloorMsgType::kRelease && m.ssrc == talker_ssrc_) {
        t203_.Stop();
        talker_.clear();
        talker_ssrc_ = 0;
        Enter(OffnetFloorState::kSilence);
      } else if (type == codec::FloorMsgType::kTaken) {
        ListenTo(sender, m.ssrc);
      } else if (type == codec::FloorMsgType::kGranted) {
        ListenTo("", m.GrantedSsrc().value_or(0));
      }
      break;

    case OffnetFloorState::kPendingRequest:
      if (type == codec::FloorMsgType::kGranted && m.GrantedSsrc() == cfg_.ssrc) {
        TakeFloor(FloorOutcome::kGranted);
      } else if (type == codec::FloorMsgType::kGranted && talker_ssrc_ != 0 && m.GrantedSsrc() == talker_ssrc_) {
        // A repeat (T205) of the grant that made our current talker: our request stands.
      } else if (type == codec::FloorMsgType::kGranted) {
        t201_.Stop();
        ListenTo("", m.GrantedSsrc().value_or(0));
        Finish(FloorOutcome::kDenied);
      } else if (type == codec::FloorMsgType::kDeny && sender == cfg_.user_id) {
        t201_.Stop();
        ListenTo(talker_, m.ssrc);  // the denier holds the floor
        Finish(FloorOutcome::kDenied);
      } else if (type == codec::FloorMsgType::kTaken) {
        t201_.Stop();
        ListenTo(sender, m.ssrc);
        Finish(FloorOutcome::kDenied);
      } else if (type == codec::FloorMsgType::kQueuePositionInfo && m.Text(codec::FieldId::kQueuedUserId) == cfg_.user_id) {
        // The talker queued us: wait for its Floor Granted ('O: queued').
        t201_.Stop();
        talker_ssrc_ = m.ssrc;
        Enter(OffnetFloorState::kQueued);
        t203_.Start(cfg_.t203_s, [this] { OnT203(); });  // the talker's media keeps us waiting
      }
      break;

    case OffnetFloorState::kQueued:
      if (type == codec::FloorMsgType::kGranted && m.GrantedSsrc() == cfg_.ssrc) {
        TakeFloor(FloorOutcome::kGrantedAfterQueue);  // stops T203 too
      } else if (type == codec::FloorMsgType::kGranted && m.GrantedSsrc() == talker_ssrc_) {
        // A repeat of the grant that made the talker who queued us.
      } else if (type == codec::FloorMsgType::kGranted || (type == codec::FloorMsgType::kRelease && m.ssrc == talker_ssrc_)) {
        // The floor went to someone else, or the talker left without granting: ask again (the
        // next talker queues us anew).
        talker_ssrc_ = type == codec::FloorMsgType::kGranted ? m.GrantedSsrc().value_or(0) : 0;
        talker_.clear();
        c201_count_ = 0;
        Enter(OffnetFloorState::kPendingRequest);
        SendRequest();
      }
      break;

    case OffnetFloorState::kHasPermission:
      if (type == codec::FloorMsgType::kRequest) {
        const uint8_t their = m.Priority().value_or(0);
        if (their > cfg_.priority) {
          Grant(m.ssrc, sender, their);  // pre-emption
        } else if (cfg_.queueing) {
          Enqueue(m.ssrc, sender, their);
        } else {
          Send(codec::OffnetFloorDeny(cfg_.ssrc, sender, codec::kDenyAnotherHasPermission));
        }
      } else if (type == codec::FloorMsgType::kRelease) {  // a queued user gave up
        queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [&](const Queued& q) { return q.ssrc == m.ssrc; }),
                     queue_.end());
      } else if (type == codec::FloorMsgType::kGranted && m.GrantedSsrc() == cfg_.ssrc) {
        // A repeat (T205) of the grant that gave us the floor: not a second arbitrator.
      } else if (type == codec::FloorMsgType::kTaken || type == codec::FloorMsgType::kGranted) {
        ++duplicate_arbitrators_;  // another participant also believes it holds the floor
        if (on_duplicate_arbitrator) on_duplicate_arbitrator();
      }
      break;

    case OffnetFloorState::kPendingGranted:
      if (type == codec::FloorMsgType::kRequest && m.ssrc == granted_ssrc_) {
        Send(codec::OffnetFloorGranted(cfg_.ssrc, cfg_.user_id, granted_ssrc_, cfg_.granted_duration_s, granted_priority_));
      } else if (type == codec::FloorMsgType::kTaken && m.ssrc == granted_ssrc_) {
        t205_.Stop();
        ListenTo(sender, m.ssrc);
      }
      break;

    case OffnetFloorState::kStartStop:
      break;
  }
}

}  // namespace mcx::procedures

