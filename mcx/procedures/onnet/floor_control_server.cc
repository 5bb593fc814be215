#include "mcx/procedures/onnet/floor_control_server.h"

#include <algorithm>
#include <cmath>

namespace mcx::procedures {

using codec::FloorMessage;
using codec::FloorMsgType;

const char* FloorServerStateName(FloorServerState s) {
  switch (s) {
    case FloorServerState::kStartStop: return "Start-stop";
    case FloorServerState::kFloorIdle: return "G: Floor Idle";
    case FloorServerState::kFloorTaken: return "G: Floor Taken";
    case FloorServerState::kPendingFloorRevoke: return "G: pending Floor Revoke";
  }
  return "?";
}

const char* TowardsParticipantStateName(TowardsParticipantState s) {
  switch (s) {
    case TowardsParticipantState::kStartStop: return "Start-stop";
    case TowardsParticipantState::kNotPermittedFloorIdle: return "U: not permitted and Floor Idle";
    case TowardsParticipantState::kNotPermittedFloorTaken: return "U: not permitted and Floor Taken";
    case TowardsParticipantState::kPermitted: return "U: permitted";
    case TowardsParticipantState::kPendingFloorRevoke: return "U: pending Floor Revoke";
    case TowardsParticipantState::kNotPermittedSendsMedia: return "U: not permitted but sends media";
  }
  return "?";
}

namespace {
// Emergency over imminent peril over normal (TS 24.380 6.3.4.4.7, the Floor Indicator's call type).
int Rank(uint16_t indicator) {
  if (indicator & codec::kIndicatorEmergency) return 2;
  if (indicator & codec::kIndicatorImminentPeril) return 1;
  return 0;
}
}  // namespace

FloorControlServer::FloorControlServer(FloorServerConfig cfg, Host& host, FloorServerHooks hooks)
    : cfg_(std::move(cfg)),
      host_(host),
      hooks_(std::move(hooks)),
      t1_(host),
      t2_(host),
      t3_(host),
      t4_(host),
      t7_(host),
      t20_(host) {}

FloorControlServer::~FloorControlServer() {
  hooks_.on_state = nullptr;
  Stop();
}

void FloorControlServer::EnterG(FloorServerState s) {
  const FloorServerState from = state_;
  state_ = s;
  if (from != s && hooks_.on_state) hooks_.on_state(from, s);
}

void FloorControlServer::Send(Participant& p, FloorMessage m, bool ask_ack) {
  if (ask_ack) m.subtype |= codec::kAckRequested;
  ++counters_.messages_sent;
  hooks_.send(p.id, m);
}

FloorControlServer::Participant* FloorControlServer::Find(const std::string& id) {
  auto it = participants_.find(id);
  return it == participants_.end() ? nullptr : &it->second;
}

TowardsParticipantState FloorControlServer::participant_state(const std::string& id) const {
  auto it = participants_.find(id);
  return it == participants_.end() ? TowardsParticipantState::kStartStop : it->second.state;
}

std::vector<std::string> FloorControlServer::queue() const {
  std::vector<std::string> ids;
  for (const QueueEntry& e : queue_) ids.push_back(e.id);
  return ids;
}

// ---- participants and the call ----

void FloorControlServer::AddParticipant(const std::string& id, uint32_t ssrc, uint8_t max_priority, bool queueing) {
  auto [it, added] = participants_.try_emplace(id);
  Participant& p = it->second;
  p.id = id;
  p.ssrc = ssrc;
  p.max_priority = max_priority;
  p.queueing = queueing;
  if (added) p.t8 = std::make_unique<HostTimer>(host_);
  // Late entry (TS 24.380 6.3.5.2): a participant joining a running call learns the floor's state.
  if (added && state_ != FloorServerState::kStartStop) TellFloorStatus(p);
}

void FloorControlServer::RemoveParticipant(const std::string& id) {
  Dequeue(id);
  participants_.erase(id);
  if (id == talker_ && state_ != FloorServerState::kStartStop) FloorFreed();
}

void FloorControlServer::Start(const std::optional<std::string>& implicit_request, uint8_t priority,
                               uint16_t request_indicator) {
  if (state_ != FloorServerState::kStartStop) return;
  // TS 24.380 6.3.4.2: with an implicit floor request the originator is granted the floor at
  // once (automatic commencement); otherwise the floor starts idle.
  Participant* p = implicit_request ? Find(*implicit_request) : nullptr;
  if (cfg_.broadcast && p) broadcast_originator_ = p->id;
  if (p) {
    Grant(p->id, std::min(priority, p->max_priority), request_indicator, false);
  } else {
    EnterIdle();
  }
}

void FloorControlServer::Stop() {
  for (HostTimer* t : {&t1_, &t2_, &t3_, &t4_, &t7_, &t20_}) t->Stop();
  for (auto& [id, p] : participants_) {
    p.t8->Stop();
    p.state = TowardsParticipantState::kStartStop;
  }
  queue_.clear();
  talker_.clear();
  t2_started_at_.reset();
  EnterG(FloorServerState::kStartStop);
}

void FloorControlServer::TellFloorStatus(Participant& p) {
  p.t8->Stop();
  if (state_ == FloorServerState::kFloorIdle) {
    p.state = TowardsParticipantState::kNotPermittedFloorIdle;
    Send(p, codec::FloorIdle(cfg_.ssrc, seq_, cfg_.indicator));
  } else if (p.id != talker_) {
    p.state = TowardsParticipantState::kNotPermittedFloorTaken;
    Send(p, codec::FloorTaken(cfg_.ssrc, talker_, !cfg_.broadcast, seq_, cfg_.indicator));
  }
}

// ---- G: the floor changes hands ----

void FloorControlServer::EnterIdle() {
  // TS 24.380 6.3.4.3.1: Floor Idle to every participant, T4 (inactivity) running; with acks
  // requested T7 repeats it (C7) to those that have not acknowledged.
  for (HostTimer* t : {&t1_, &t2_, &t3_, &t20_}) t->Stop();
  t2_started_at_.reset();
  talker_.clear();
  ++seq_;
  EnterG(FloorServerState::kFloorIdle);
  for (auto& [id, p] : participants_) {
    p.t8->Stop();
    p.idle_acked = false;
    p.state = TowardsParticipantState::kNotPermittedFloorIdle;
    Send(p, codec::FloorIdle(cfg_.ssrc, seq_, cfg_.indicator), cfg_.request_acks);
  }
  if (cfg_.request_acks) {
    c7_count_ = 1;
    t7_.Start(cfg_.t7_s, [this] { OnT7(); });
  }
  t4_.Start(cfg_.t4_s, [this] { OnT4(); });
}

void FloorControlServer::Grant(const std::string& id, uint8_t priority, uint16_t indicator, bool from_queue) {
  Participant* p = Find(id);
  if (!p) return;
  // TS 24.380 6.3.4.3.3 / 6.3.4.4.2: Floor Granted to the requester, Floor Taken to the others,
  // T1 running; T2 starts with the talker's first media (6.3.4.4.5); T20 repeats Floor Granted
  // until media or Floor Ack arrives.
  for (HostTimer* t : {&t3_, &t4_, &t7_}) t->Stop();
  Dequeue(id);
  talker_ = id;
  talker_priority_ = priority;
  talker_indicator_ = indicator;
  t2_started_at_.reset();
  t2_.Stop();
  ++counters_.grants;
  if (from_queue) ++counters_.queued_grants;
  ++seq_;
  EnterG(FloorServerState::kFloorTaken);
  p->t8->Stop();
  p->state = TowardsParticipantState::kPermitted;
  SendGranted(*p);
  c20_count_ = 1;
  t20_.Start(cfg_.t20_s, [this] { OnT20(); });
  for (auto& [other_id, other] : participants_) {
    if (other_id == id) continue;
    other.t8->Stop();
    other.state = TowardsParticipantState::kNotPermittedFloorTaken;
    Send(other, codec::FloorTaken(cfg_.ssrc, talker_, !cfg_.broadcast, seq_, cfg_.indicator));
  }
  t1_.Start(cfg_.t1_s, [this] { OnT1(); });
  if (hooks_.on_granted) hooks_.on_granted(id);
}

void FloorControlServer::SendGranted(Participant& p) {
  // Duration: what is left of T2 (all of it before the first media), TS 24.380 6.3.4.4.8.
  double left = cfg_.t2_s;
  if (t2_started_at_) left = std::max(0.0, cfg_.t2_s - (host_.Now() - *t2_started_at_));
  const auto duration = static_cast<uint16_t>(std::min(65535.0, std::ceil(left)));
  Send(p, codec::FloorGranted(cfg_.ssrc, duration, talker_priority_, cfg_.indicator), cfg_.request_acks);
}

void FloorControlServer::FloorFreed() {
  // The talk burst ended (Floor Release, T1, T3): the first queued request gets the floor without
  // a Floor Idle in between (TS 24.380 6.3.4.3.2), or the floor goes idle.
  if (Participant* old = Find(talker_)) old->t8->Stop();
  if (!queue_.empty()) {
    const QueueEntry next = queue_.front();
    Grant(next.id, next.priority, next.indicator, true);
    return;
  }
  EnterIdle();
}

void FloorControlServer::StartRevoke(uint16_t cause) {
  // TS 24.380 6.3.4.4.4 (T2) and 6.3.4.4.7 (pre-emption): Floor Revoke to the talker, T3 for its
  // last media; its machine repeats the revoke on T8 ('U: pending Floor Revoke').
  Participant* p = Find(talker_);
  if (!p) return;
  t2_.Stop();
  t20_.Stop();
  ++counters_.revokes;
  revoke_cause_ = cause;
  EnterG(FloorServerState::kPendingFloorRevoke);
  p->state = TowardsParticipantState::kPendingFloorRevoke;
  Send(*p, codec::FloorRevoke(cfg_.ssrc, cause));
  const std::string id = p->id;
  p->t8->Start(cfg_.t8_s, [this, id] { OnT8(id); });
  t3_.Start(cfg_.t3_s, [this] { OnT3(); });
}

std::vector<FloorControlServer::QueueEntry>::iterator FloorControlServer::Queued(const std::string& id) {
  return std::find_if(queue_.begin(), queue_.end(), [&](const QueueEntry& e) { return e.id == id; });
}

void FloorControlServer::Dequeue(const std::string& id) {
  if (auto it = Queued(id); it != queue_.end()) queue_.erase(it);
}

bool FloorControlServer::Preempts(uint8_t priority, uint16_t indicator) const {
  const int asked = Rank(indicator), holding = Rank(talker_indicator_);
  return asked > holding || (asked == holding && priority > talker_priority_);
}

// ---- messages ----

void FloorControlServer::Receive(const std::string& from, const FloorMessage& m) {
  Participant* p = Find(from);
  if (state_ == FloorServerState::kStartStop || !p) {
    ++counters_.discarded;
    return;
  }
  switch (m.type()) {
    case FloorMsgType::kRequest:
    case FloorMsgType::kRelease:
      // TS 24.380 6.3.5: a request or release that asks for it is acknowledged first.
      if (m.ack_requested()) Send(*p, codec::FloorAck(cfg_.ssrc, m.type(), codec::Source::kControllingFunction));
      if (m.type() == FloorMsgType::kRequest)
        HandleRequest(*p, m);
      else
        HandleRelease(*p);
      return;
    case FloorMsgType::kQueuePositionRequest: {
      // TS 24.380 6.3.5.4.x: the queue position of a queued participant; anyone else learns the
      // floor's state.
      if (Queued(from) != queue_.end()) {
        SendQueuePosition(*p);
      } else {
        TellFloorStatus(*p);
      }
      return;
    }
    case FloorMsgType::kAck: {
      const auto acked = m.AcknowledgedType();
      if (acked == FloorMsgType::kGranted && from == talker_) t20_.Stop();
      if (acked == FloorMsgType::kIdle) p->idle_acked = true;
      return;
    }
    default:
      ++counters_.discarded;  // TS 24.380 6.3.4.1: no procedure in this state; discard
      return;
  }
}

void FloorControlServer::HandleRequest(Participant& p, const FloorMessage& m) {
  const uint8_t priority = std::min(m.Priority().value_or(0), p.max_priority);
  const uint16_t indicator = m.U16(codec::FieldId::kFloorIndicator).value_or(codec::kIndicatorNormal);
  auto deny = [&](uint16_t cause) {
    ++counters_.denials;
    Send(p, codec::FloorDeny(cfg_.ssrc, cause));
  };
  if (cfg_.broadcast && p.id != broadcast_originator_) return deny(codec::kDenyReceiveOnly);
  if (state_ == FloorServerState::kFloorIdle) {
    // TS 24.380 6.3.4.3.3: alone in the call, there is nobody to talk to (#3); otherwise granted.
    if (participants_.size() == 1) return deny(codec::kDenyOnlyOneParticipant);
    return Grant(p.id, priority, indicator, false);
  }
  if (p.id == talker_) {
    // TS 24.380 6.3.4.4.8: the talker asks again (its Granted was lost): Floor Granted again.
    if (state_ == FloorServerState::kFloorTaken) SendGranted(p);
    return;
  }
  if (state_ == FloorServerState::kFloorTaken && cfg_.preemption && Preempts(priority, indicator)) {
    // TS 24.380 6.3.4.4.7 item 2: revoke the talker (#4) and put the pre-emptor first in the queue.
    ++counters_.preemptions;
    QueueRequest(p, priority, indicator, true);
    StartRevoke(codec::kRevokePreempted);
    return;
  }
  if (cfg_.queueing && p.queueing) return QueueRequest(p, priority, indicator, false);
  deny(codec::kDenyAnotherHasPermission);
}

void FloorControlServer::QueueRequest(Participant& p, uint8_t priority, uint16_t indicator, bool at_front) {
  auto it = Queued(p.id);
  if (it != queue_.end() && !at_front) return SendQueuePosition(p);  // asked again: where it stands
  if (it != queue_.end()) queue_.erase(it);
  if (!at_front && queue_.size() >= cfg_.max_queue) {
    ++counters_.denials;
    Send(p, codec::FloorDeny(cfg_.ssrc, codec::kDenyQueueFull));
    return;
  }
  // Emergency over imminent peril over normal, then the highest priority, first come first
  // within both; a pre-emptor goes first.
  const auto rank = std::make_pair(Rank(indicator), priority);
  auto at = at_front ? queue_.begin() : std::find_if(queue_.begin(), queue_.end(), [&](const QueueEntry& e) {
    return std::make_pair(Rank(e.indicator), e.priority) < rank;
  });
  queue_.insert(at, QueueEntry{p.id, priority, indicator});
  ++counters_.queued;
  // A pre-emptor learns its position only when queueing was negotiated (item 2f).
  if (!at_front || (cfg_.queueing && p.queueing)) SendQueuePosition(p);
}

void FloorControlServer::SendQueuePosition(Participant& p) {
  auto it = Queued(p.id);
  if (it == queue_.end()) return;
  const auto position = static_cast<uint8_t>(std::min<size_t>(254, it - queue_.begin() + 1));
  Send(p, codec::FloorQueuePositionInfo(cfg_.ssrc, position, it->priority));
}

void FloorControlServer::HandleRelease(Participant& p) {
  const bool holds = p.id == talker_ && (state_ == FloorServerState::kFloorTaken ||
                                          state_ == FloorServerState::kPendingFloorRevoke);
  if (holds) return FloorFreed();  // TS 24.380 6.3.4.4.3 / 6.3.4.5.2
  // Anyone else: a queued request is withdrawn (6.3.5.4.x); the participant, in 'U: pending
  // Release', learns the floor's state (Floor Taken or Floor Idle) and leaves it.
  Dequeue(p.id);
  TellFloorStatus(p);
}

bool FloorControlServer::MediaReceived(const std::string& from) {
  Participant* p = Find(from);
  if (!p || state_ == FloorServerState::kStartStop) return false;
  if (from == talker_) {
    if (state_ == FloorServerState::kFloorTaken) {
      // TS 24.380 6.3.4.4.5: the talker's media: T20 stops, T1 restarts, T2 starts.
      t20_.Stop();
      if (!t2_started_at_) {
        t2_started_at_ = host_.Now();
        t2_.Start(cfg_.t2_s, [this] { OnT2(); });
      }
    } else {
      p->media_since_revoke = true;  // 6.3.4.5.x: relayed during T3's grace
    }
    t1_.Start(cfg_.t1_s, [this] { OnT1(); });
    return true;
  }
  // TS 24.380 6.3.5.x: media without permission is not relayed; Floor Revoke #3, repeated on T8
  // while the media goes on ('U: not permitted but sends media').
  ++counters_.media_without_permission;
  if (p->state != TowardsParticipantState::kNotPermittedSendsMedia) {
    p->state = TowardsParticipantState::kNotPermittedSendsMedia;
    p->media_since_revoke = false;
    ++counters_.revokes;
    Send(*p, codec::FloorRevoke(cfg_.ssrc, codec::kRevokeNoPermission));
    const std::string id = p->id;
    p->t8->Start(cfg_.t8_s, [this, id] { OnT8(id); });
  } else {
    p->media_since_revoke = true;
  }
  return false;
}

// ---- timers ----

void FloorControlServer::OnT1() {
  if (state_ != FloorServerState::kFloorTaken && state_ != FloorServerState::kPendingFloorRevoke) return;
  ++counters_.t1_expiries;  // TS 24.380 6.3.4.4.6: the talker went silent
  FloorFreed();
}

void FloorControlServer::OnT2() {
  if (state_ != FloorServerState::kFloorTaken) return;
  ++counters_.t2_expiries;  // TS 24.380 6.3.4.4.4: the talk burst is too long (#2)
  StartRevoke(codec::kRevokeMediaBurstTooLong);
}

void FloorControlServer::OnT3() {
  if (state_ != FloorServerState::kPendingFloorRevoke) return;
  ++counters_.t3_expiries;  // TS 24.380 6.3.4.5.x: the revoked talker's grace is over
  FloorFreed();
}

void FloorControlServer::OnT4() {
  if (state_ == FloorServerState::kFloorIdle && hooks_.on_inactive) hooks_.on_inactive();
}

void FloorControlServer::OnT7() {
  if (state_ != FloorServerState::kFloorIdle || c7_count_ >= cfg_.c7) return;
  ++c7_count_;
  bool waiting = false;
  for (auto& [id, p] : participants_) {
    if (p.idle_acked) continue;
    waiting = true;
    Send(p, codec::FloorIdle(cfg_.ssrc, seq_, cfg_.indicator), true);
  }
  if (waiting) t7_.Start(cfg_.t7_s, [this] { OnT7(); });
}

void FloorControlServer::OnT20() {
  if (state_ != FloorServerState::kFloorTaken || c20_count_ >= cfg_.c20) return;  // C20: stay Taken
  Participant* p = Find(talker_);
  if (!p) return;
  ++c20_count_;
  SendGranted(*p);
  t20_.Start(cfg_.t20_s, [this] { OnT20(); });
}

void FloorControlServer::OnT8(const std::string& id) {
  Participant* p = Find(id);
  if (!p) return;
  if (p->state == TowardsParticipantState::kPendingFloorRevoke) {
    Send(*p, codec::FloorRevoke(cfg_.ssrc, revoke_cause_));  // until its Release or T3
    p->t8->Start(cfg_.t8_s, [this, id] { OnT8(id); });
  } else if (p->state == TowardsParticipantState::kNotPermittedSendsMedia) {
    if (p->media_since_revoke) {
      p->media_since_revoke = false;
      Send(*p, codec::FloorRevoke(cfg_.ssrc, codec::kRevokeNoPermission));
      p->t8->Start(cfg_.t8_s, [this, id] { OnT8(id); });
    } else {
      TellFloorStatus(*p);  // its media stopped: back to not permitted
    }
  }
}

}  // namespace mcx::procedures
