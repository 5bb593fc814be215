#include "mcx/procedures/onnet/onnet_floor_participant.h"

namespace mcx::procedures {

using codec::FloorMessage;
using codec::FloorMsgType;

const char* OnnetFloorStateName(OnnetFloorState s) {
  switch (s) {
    case OnnetFloorState::kStartStop: return "Start-stop";
    case OnnetFloorState::kHasNoPermission: return "U: has no permission";
    case OnnetFloorState::kPendingRequest: return "U: pending Request";
    case OnnetFloorState::kHasPermission: return "U: has permission";
    case OnnetFloorState::kPendingRelease: return "U: pending Release";
    case OnnetFloorState::kQueued: return "U: queued";
  }
  return "?";
}

OnnetFloorParticipant::OnnetFloorParticipant(OnnetFloorConfig cfg, Host& host, OnnetFloorHooks hooks)
    : cfg_(std::move(cfg)),
      host_(host),
      hooks_(std::move(hooks)),
      t100_(host),
      t101_(host),
      t103_(host),
      t104_(host),
      t132_(host) {}

OnnetFloorParticipant::~OnnetFloorParticipant() {
  on_outcome = nullptr;
  hooks_.on_state = nullptr;
  Stop();
}

void OnnetFloorParticipant::Enter(OnnetFloorState s) {
  const OnnetFloorState from = state_;
  state_ = s;
  if (s != OnnetFloorState::kQueued) queue_position_.reset();
  if (from != s && hooks_.on_state) hooks_.on_state(from, s);
}

void OnnetFloorParticipant::Send(const FloorMessage& m) {
  ++messages_sent_;
  hooks_.send(m);
}

void OnnetFloorParticipant::AckIfAsked(const FloorMessage& m) {
  // TS 24.380 6.2.4 (each state): "if the Floor ... message includes the acknowledgement
  // requested indication, send a Floor Ack message".
  if (m.ack_requested()) Send(codec::FloorAck(cfg_.ssrc, m.type(), codec::Source::kParticipant));
}

void OnnetFloorParticipant::Finish(FloorOutcome o) {
  if (!pressed_at_) return;
  const double access = host_.Now() - *pressed_at_;
  pressed_at_.reset();
  was_queued_ = false;
  if (on_outcome) on_outcome(o, access);
}

// ---- the call ----

void OnnetFloorParticipant::Start(FloorStart how, std::optional<double> pressed_at_s) {
  if (state_ != OnnetFloorState::kStartStop) return;
  switch (how) {
    case FloorStart::kNoRequest:
      Enter(OnnetFloorState::kHasNoPermission);
      break;
    case FloorStart::kImplicitRequest:
      // TS 24.380 6.2.4.1: the SIP INVITE was an implicit Floor Request; start T101 as if one had
      // been sent, and repeat it as an explicit Floor Request on expiry.
      ptt_down_ = true;
      pressed_at_ = pressed_at_s.value_or(host_.Now());
      c101_count_ = 1;
      Enter(OnnetFloorState::kPendingRequest);
      t101_.Start(cfg_.t101_s, [this] { OnT101(); });
      break;
    case FloorStart::kGrantedInAnswer:
      ptt_down_ = true;
      pressed_at_ = pressed_at_s.value_or(host_.Now());
      Granted();
      break;
  }
}

void OnnetFloorParticipant::Stop() {
  for (HostTimer* t : {&t100_, &t101_, &t103_, &t104_, &t132_}) t->Stop();
  ptt_down_ = false;
  Finish(FloorOutcome::kAbandoned);
  talker_.clear();
  if (state_ != OnnetFloorState::kStartStop) Enter(OnnetFloorState::kStartStop);
}

// ---- the user ----

void OnnetFloorParticipant::PressPtt(bool emergency) {
  ptt_down_ = true;
  switch (state_) {
    case OnnetFloorState::kHasNoPermission:
      request_indicator_ = static_cast<uint16_t>(cfg_.indicator | (emergency ? codec::kIndicatorEmergency : 0));
      // TS 24.380 6.2.4.2.2: send Floor Request, start T101 (C101 counts it), 'U: pending Request'.
      pressed_at_ = host_.Now();
      was_queued_ = false;
      c101_count_ = 0;
      Enter(OnnetFloorState::kPendingRequest);
      SendRequest();
      break;
    case OnnetFloorState::kQueued:
      // TS 24.380 6.2.4.7: the user accepts a queued request that was granted (T132 running).
      if (t132_.running()) {
        t132_.Stop();
        Granted();
      }
      break;
    default:
      break;
  }
}

void OnnetFloorParticipant::ReleasePtt() {
  ptt_down_ = false;
  switch (state_) {
    case OnnetFloorState::kPendingRequest:
      // The user gives up before an answer: Floor Release, T100, 'U: pending Release'.
      t101_.Stop();
      Finish(FloorOutcome::kAbandoned);
      SendRelease();
      break;
    case OnnetFloorState::kHasPermission:
      // TS 24.380 6.2.4.4.2: end of the talk burst.
      SendRelease();
      break;
    case OnnetFloorState::kQueued:
      if (cfg_.stay_queued_on_release) break;  // still queued; a grant waits T132 for the user
      t104_.Stop();
      t132_.Stop();
      Finish(FloorOutcome::kAbandoned);
      SendRelease();
      break;
    default:
      break;
  }
}

void OnnetFloorParticipant::RequestQueuePosition() {
  if (state_ != OnnetFloorState::kQueued) return;
  // TS 24.380 6.2.4.7.x: Floor Queue Position Request, T104 with C104.
  c104_count_ = 1;
  Send(codec::FloorQueuePositionRequest(cfg_.ssrc));
  t104_.Start(cfg_.t104_s, [this] { OnT104(); });
}

void OnnetFloorParticipant::SendRequest() {
  ++c101_count_;
  Send(codec::FloorRequest(cfg_.ssrc, cfg_.priority, request_indicator_ ? request_indicator_ : cfg_.indicator));
  t101_.Start(cfg_.t101_s, [this] { OnT101(); });
}

void OnnetFloorParticipant::SendRelease() {
  // TS 24.380 6.2.4.4.2 / 6.2.4.3.x: Floor Release, T100 (C100 counts it), 'U: pending Release'.
  c100_count_ = 1;
  Send(codec::FloorRelease(cfg_.ssrc, cfg_.indicator));
  Enter(OnnetFloorState::kPendingRelease);
  t100_.Start(cfg_.t100_s, [this] { OnT100(); });
}

void OnnetFloorParticipant::Granted() {
  t101_.Stop();
  t104_.Stop();
  t132_.Stop();
  talker_ = cfg_.user_id;
  Enter(OnnetFloorState::kHasPermission);  // first: whoever hears the outcome may send media now
  Finish(was_queued_ ? FloorOutcome::kGrantedAfterQueue : FloorOutcome::kGranted);
}

// ---- timers ----

void OnnetFloorParticipant::OnT100() {
  if (state_ != OnnetFloorState::kPendingRelease) return;
  if (c100_count_ < cfg_.c100) {  // TS 24.380 6.2.4.5.x: repeat Floor Release
    ++c100_count_;
    Send(codec::FloorRelease(cfg_.ssrc, cfg_.indicator));
    t100_.Start(cfg_.t100_s, [this] { OnT100(); });
    return;
  }
  Enter(OnnetFloorState::kHasNoPermission);  // C100 reached: the floor is considered released
}

void OnnetFloorParticipant::OnT101() {
  if (state_ != OnnetFloorState::kPendingRequest) return;
  if (c101_count_ < cfg_.c101) {  // TS 24.380 6.2.4.3.x: repeat Floor Request
    SendRequest();
    return;
  }
  // C101 reached without an answer: tell the user the request failed, and give back a floor the
  // server may have granted on a request of ours that got through (its answers lost): Floor
  // Release, T100 (the MCOP client does the same for T104; psc-ns3 goes idle in silence).
  Finish(FloorOutcome::kFailed);
  SendRelease();
}

void OnnetFloorParticipant::OnT103() {
  // End of RTP media from the talker: nobody is heard any more.
  if (state_ == OnnetFloorState::kHasPermission) return;
  talker_.clear();
}

void OnnetFloorParticipant::OnT104() {
  if (state_ != OnnetFloorState::kQueued) return;
  if (c104_count_ < cfg_.c104) {
    ++c104_count_;
    Send(codec::FloorQueuePositionRequest(cfg_.ssrc));
    t104_.Start(cfg_.t104_s, [this] { OnT104(); });
    return;
  }
  // C104 reached: the server no longer answers for our queue entry ("queued timeout"); leave
  // the queue (as the MCOP client does; psc-ns3 builds the Floor Release but never sends it).
  Finish(FloorOutcome::kFailed);
  SendRelease();
}

void OnnetFloorParticipant::OnT132() {
  // TS 24.380 6.2.4.7.x: the user did not accept the queued grant: give the floor back.
  if (state_ != OnnetFloorState::kQueued) return;
  Finish(FloorOutcome::kAbandoned);
  SendRelease();
}

// ---- messages from the server ----

void OnnetFloorParticipant::Receive(const FloorMessage& m) {
  if (state_ == OnnetFloorState::kStartStop) return;
  const FloorMsgType type = m.type();
  if (type == FloorMsgType::kAck) return;  // our Floor Release needs no answer but Idle/Taken
  switch (type) {
    case FloorMsgType::kTaken:
      // Someone talks. 'U: pending Release' ends here (TS 24.380 6.2.4.5.x); the other states
      // note the talker and stay.
      talker_ = m.Text(codec::FieldId::kGrantedPartyIdentity).value_or("");
      AckIfAsked(m);
      if (state_ == OnnetFloorState::kPendingRelease ||
          (state_ == OnnetFloorState::kHasPermission && talker_ != cfg_.user_id)) {
        // Our release went through; or the server gave the floor to another while we talked (it
        // took it back after T3 or T1): stop sending either way (the latter is our inference).
        t100_.Stop();
        Enter(OnnetFloorState::kHasNoPermission);
      }
      t103_.Start(cfg_.t103_s, [this] { OnT103(); });
      return;
    case FloorMsgType::kIdle:
      AckIfAsked(m);
      talker_.clear();
      t103_.Stop();
      if (state_ == OnnetFloorState::kPendingRelease || state_ == OnnetFloorState::kHasPermission) {
        // Nobody holds the floor, us included (in 'U: has permission' the server ended our talk
        // burst without a revoke, after T1: inferred, psc-ns3 stays).
        t100_.Stop();
        Enter(OnnetFloorState::kHasNoPermission);
      } else if (state_ == OnnetFloorState::kQueued) {
        // The floor went idle without granting us: the queue entry is gone (psc-ns3).
        t104_.Stop();
        t132_.Stop();
        Finish(FloorOutcome::kFailed);
        Enter(OnnetFloorState::kHasNoPermission);
      }
      return;
    case FloorMsgType::kGranted:
      AckIfAsked(m);
      if (state_ == OnnetFloorState::kPendingRequest) {
        Granted();  // TS 24.380 6.2.4.3.2
      } else if (state_ == OnnetFloorState::kQueued) {
        // TS 24.380 6.2.4.7.x: a queued request is granted. With PTT still held the user has
        // accepted already; otherwise wait T132 for the user.
        if (ptt_down_) {
          Granted();
        } else if (!t132_.running()) {
          t132_.Start(cfg_.t132_s, [this] { OnT132(); });
        }
      }
      // In 'U: has permission' a repeated Floor Granted (T20 at the server) changes nothing. In
      // 'U: has no permission' it is a grant we no longer want (our request timed out, or our
      // release crossed it): give it back (inferred).
      if (state_ == OnnetFloorState::kHasNoPermission) SendRelease();
      return;
    case FloorMsgType::kDeny:
      AckIfAsked(m);
      if (state_ == OnnetFloorState::kPendingRequest || state_ == OnnetFloorState::kQueued) {
        // TS 24.380 6.2.4.3.3: stop T101, tell the user, 'U: has no permission'.
        t101_.Stop();
        t104_.Stop();
        t132_.Stop();
        Finish(FloorOutcome::kDenied);
        Enter(OnnetFloorState::kHasNoPermission);
      }
      return;
    case FloorMsgType::kQueuePositionInfo: {
      AckIfAsked(m);
      const auto info = m.QueueInfo();
      if (state_ == OnnetFloorState::kPendingRequest) {
        t101_.Stop();  // TS 24.380 6.2.4.3.4: queued; the request is answered
        was_queued_ = true;
        Enter(OnnetFloorState::kQueued);
      }
      if (state_ == OnnetFloorState::kQueued) {
        t104_.Stop();
        if (info) queue_position_ = info->first;
      }
      return;
    }
    case FloorMsgType::kRevoke:
      AckIfAsked(m);
      if (state_ == OnnetFloorState::kHasPermission) {
        // TS 24.380 6.2.4.4.3: stop sending media, tell the user why, Floor Release, T100.
        ++revokes_;
        last_revoke_cause_ = m.RejectCause();
        SendRelease();
      }
      return;
    default:
      return;  // requests and releases go to the server, not to us
  }
}

void OnnetFloorParticipant::MediaReceived(uint32_t ssrc) {
  if (state_ == OnnetFloorState::kStartStop || ssrc == cfg_.ssrc) return;
  t103_.Start(cfg_.t103_s, [this] { OnT103(); });
  if (state_ == OnnetFloorState::kPendingRelease) {
    // TS 24.380 6.2.4.5.x: another talker's media means our release went through.
    t100_.Stop();
    Enter(OnnetFloorState::kHasNoPermission);
  }
}

}  // namespace mcx::procedures
