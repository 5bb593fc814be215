#include "mcx/procedures/offnet/group_call_control.h"

#include <algorithm>

namespace mcx::procedures {

const char* GroupCallStateName(GroupCallState s) {
  switch (s) {
    case GroupCallState::kS1StartStop: return "S1: start-stop";
    case GroupCallState::kS2WaitingForAnnouncement: return "S2: waiting for call announcement";
    case GroupCallState::kS3PartOfCall: return "S3: part of ongoing call";
  }
  return "?";
}

const char* GroupCallJoinName(GroupCallJoin j) {
  switch (j) {
    case GroupCallJoin::kOriginated: return "originated";
    case GroupCallJoin::kJoinedAfterProbe: return "joined_after_probe";
    case GroupCallJoin::kJoined: return "joined";
  }
  return "?";
}

GroupCallControl::GroupCallControl(GroupCallConfig cfg, Host& host) : cfg_(std::move(cfg)), host_(host) {}

GroupCallControl::~GroupCallControl() { StopTimers(); }

void GroupCallControl::Send(crypto::Bytes datagram) {
  host_.SendDatagram(codec::kMonpPort, Endpoint{cfg_.sdp.address, codec::kMonpPort}, std::move(datagram));
}

void GroupCallControl::StopTimers() {
  for (TimerId* t : {&tfg1_, &tfg2_, &tfg3_}) {
    if (*t) host_.Cancel(*t);
    *t = 0;
  }
}

void GroupCallControl::Initiate() {
  if (state_ != GroupCallState::kS1StartStop) return;
  // 10.2.2.4.1: GROUP CALL PROBE, TFG1 for an answer, the probe repeated on TFG3.
  state_ = GroupCallState::kS2WaitingForAnnouncement;
  initiated_at_ = host_.Now();
  SendProbe();
  tfg1_ = host_.Schedule(cfg_.tfg1_s, [this]() {
    tfg1_ = 0;
    if (tfg3_) host_.Cancel(tfg3_);
    tfg3_ = 0;
    // No call of this group around: start one (10.2.2.4.2).
    codec::MonpGroupCallMessage a;
    a.type = codec::MonpType::kGroupCallAnnouncement;
    a.call_id = static_cast<uint16_t>(host_.Uniform() * 65536.0);
    a.call_type = 1;
    a.refresh_interval_ms = cfg_.refresh_interval_ms;
    a.call_start_time = host_.UnixTime();
    a.last_call_type_change_time = a.call_start_time;
    a.group_id = cfg_.group_id;
    a.sdp = cfg_.sdp.Text();
    a.originating_user = cfg_.user_id;
    a.last_user_to_change_call_type = cfg_.user_id;
    a.confirm_mode = cfg_.confirm_mode;
    call_ = a;
    state_ = GroupCallState::kS3PartOfCall;
    Announce(false);
    RestartTfg2(PeriodicDelay());
    if (on_joined) on_joined(GroupCallJoin::kOriginated, host_.Now() - *initiated_at_);
  });
}

void GroupCallControl::SendProbe() {
  codec::MonpGroupCallMessage p;
  p.type = codec::MonpType::kGroupCallProbe;
  p.group_id = cfg_.group_id;
  ++probes_sent_;
  if (on_sent) on_sent(codec::MonpType::kGroupCallProbe);
  Send(Encode(p));
  tfg3_ = host_.Schedule(cfg_.tfg3_s, [this]() {
    tfg3_ = 0;
    if (state_ == GroupCallState::kS2WaitingForAnnouncement) SendProbe();
  });
}

void GroupCallControl::Announce(bool probe_response) {
  if (!call_) return;
  codec::MonpGroupCallMessage a = *call_;
  a.probe_response = probe_response;
  ++announcements_sent_;
  if (on_sent) on_sent(codec::MonpType::kGroupCallAnnouncement);
  Send(Encode(a));
}

double GroupCallControl::PeriodicDelay() {
  // The call's refresh interval x U(2/3, 4/3): periodic announcements of members spread out.
  const uint16_t refresh_ms = call_ ? call_->refresh_interval_ms : cfg_.refresh_interval_ms;
  const double refresh_s = std::max(refresh_ms, kMinRefreshIntervalMs) / 1000.0;
  return refresh_s * (2.0 / 3 + 2.0 / 3 * host_.Uniform());
}

void GroupCallControl::RestartTfg2(double delay_s) {
  if (tfg2_) host_.Cancel(tfg2_);
  tfg2_ = host_.Schedule(delay_s, [this]() {
    tfg2_ = 0;
    if (state_ != GroupCallState::kS3PartOfCall) return;
    Announce(false);  // 10.2.2.4.5: periodic announcement
    RestartTfg2(PeriodicDelay());
  });
}

void GroupCallControl::Adopt(const codec::MonpGroupCallMessage& announcement) {
  call_ = announcement;  // repeated as we heard it, but not as a probe answer, and only the
  call_->probe_response = false;  // originator asks for confirmation
  call_->confirm_mode = false;
}

void GroupCallControl::AnswerSoon(bool probe_response) {
  if (tfg2_) host_.Cancel(tfg2_);
  tfg2_ = host_.Schedule(host_.Uniform() / 12.0, [this, probe_response]() {
    tfg2_ = 0;
    if (state_ != GroupCallState::kS3PartOfCall) return;
    Announce(probe_response);
    RestartTfg2(PeriodicDelay());
  });
}

void GroupCallControl::Join(const codec::MonpGroupCallMessage& a) {
  const bool probed = state_ == GroupCallState::kS2WaitingForAnnouncement;
  StopTimers();
  Adopt(a);
  state_ = GroupCallState::kS3PartOfCall;
  if (a.confirm_mode) {  // 10.2.2.4.3: confirm with GROUP CALL ACCEPT
    codec::MonpGroupCallMessage acc;
    acc.type = codec::MonpType::kGroupCallAccept;
    acc.call_id = a.call_id;
    acc.call_type = a.call_type;
    acc.group_id = cfg_.group_id;
    acc.sending_user = cfg_.user_id;
    Send(Encode(acc));
  }
  RestartTfg2(PeriodicDelay());
  if (on_joined)
    on_joined(probed ? GroupCallJoin::kJoinedAfterProbe : GroupCallJoin::kJoined,
              probed && initiated_at_ ? host_.Now() - *initiated_at_ : 0.0);
}

void GroupCallControl::Receive(crypto::ByteView datagram) {
  auto m = codec::DecodeMonpGroupCall(datagram);
  if (!m) {
    if (on_error) on_error(std::string("monp_") + crypto::ErrorName(m.error()));
    return;
  }
  if (m->group_id != cfg_.group_id) return;
  switch (m->type) {
    case codec::MonpType::kGroupCallProbe:
      // 10.2.2.4.4: a member of the call answers within U(0, 1/12) s unless another one does first.
      if (state_ == GroupCallState::kS3PartOfCall) AnswerSoon(true);
      return;
    case codec::MonpType::kGroupCallAnnouncement:
      if (state_ != GroupCallState::kS3PartOfCall) return Join(*m);
      if (m->call_id == call_->call_id) {  // someone announced our call: our turn waits
        RestartTfg2(PeriodicDelay());
        return;
      }
      // Another call of the group: the earlier one wins (ties: the lower originating user ID).
      if (m->call_start_time < call_->call_start_time ||
          (m->call_start_time == call_->call_start_time && m->originating_user < call_->originating_user)) {
        Adopt(*m);
        RestartTfg2(PeriodicDelay());
        if (on_merged) on_merged(m->call_id);
      } else {
        AnswerSoon(false);  // tell the later call about ours now, not at the next TFG2 (inferred)
      }
      return;
    case codec::MonpType::kGroupCallAccept:
      if (state_ == GroupCallState::kS3PartOfCall && m->call_id == call_->call_id && on_accept) on_accept(m->sending_user);
      return;
    default:
      return;
  }
}

void GroupCallControl::Release() {
  StopTimers();
  state_ = GroupCallState::kS1StartStop;
  call_.reset();
  initiated_at_.reset();
}

}  // namespace mcx::procedures
