// Off-network basic group call control (TS 24.379 10.2.2), automatic commencement, without ns-3:
// a user who presses PTT with no call probes the group (GROUP CALL PROBE, repeated on TFG3)
// and waits TFG1 for a GROUP CALL ANNOUNCEMENT; with none, it starts the call and announces it.
// Members of a call announce it again every TFG2 (refresh interval x U(2/3, 4/3)) and, after a
// probe, within U(0, 1/12) s; an announcement of the same call restarts TFG2, so one member
// answers. A member that hears an announcement joins (sending GROUP CALL ACCEPT when the call asks
// for confirmation). Two calls of one group merge into the one that started first: a member of the
// earlier call answers the later call's announcement as it answers a probe (inferred; the digest
// has no wire facts for merging). MONP is sent in the clear here: the protection of
// off-network call control is not modelled.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mcx/codec/monp.h"
#include "mcx/codec/mcptt_sdp.h"
#include "mcx/procedures/host.h"

namespace mcx::procedures {

/// TS 24.379 10.2.2.3 states this model uses (S4/S5 manual commencement, S6 ignoring and S7 after
/// release are not modelled).
enum class GroupCallState { kS1StartStop, kS2WaitingForAnnouncement, kS3PartOfCall };
const char* GroupCallStateName(GroupCallState s);

/// How this member came to be in a call.
enum class GroupCallJoin { kOriginated, kJoinedAfterProbe, kJoined };
const char* GroupCallJoinName(GroupCallJoin j);

/// The shortest refresh interval a member announces with, whatever the call's announcement says:
/// TS 24.379 gives the refresh interval IE no lower bound, and a (forged) 0 made every member
/// announce in a zero-delay loop (found by tests/fuzz/offnet_state). 100 ms is the smallest
/// value the offnet-group-call scenario accepts for its own calls.
constexpr uint16_t kMinRefreshIntervalMs = 100;

struct GroupCallConfig {
  std::string user_id;
  std::string group_id;
  codec::McpttSdp sdp;                 ///< the group's multicast address and ports
  double tfg1_s = 0.150;         ///< waiting for an announcement after a probe (24.379 B.3.1.1)
  double tfg3_s = 0.040;         ///< probe retransmission while TFG1 runs
  uint16_t refresh_interval_ms = 10000;  ///< periodic announcement (TS 36.579-1 default)
  bool confirm_mode = false;     ///< originated calls ask members to confirm (GROUP CALL ACCEPT)
};


class GroupCallControl {
 public:
  /// Sends to the group (cfg.sdp.address) on the MONP port; timers and U(0, 1) come from the host.
  GroupCallControl(GroupCallConfig cfg, Host& host);
  ~GroupCallControl();
  GroupCallControl(const GroupCallControl&) = delete;
  GroupCallControl& operator=(const GroupCallControl&) = delete;

  /// The user wants to talk: in S1, probe and wait (S2); in S2 or S3 nothing more to do.
  void Initiate();
  /// A MONP group call datagram (other groups' messages are ignored).
  void Receive(crypto::ByteView datagram);
  /// Leaves the call (back to S1, timers stopped).
  void Release();

  GroupCallState state() const { return state_; }
  std::optional<uint16_t> call_id() const { return call_ ? std::optional<uint16_t>(call_->call_id) : std::nullopt; }
  uint64_t announcements_sent() const { return announcements_sent_; }
  uint64_t probes_sent() const { return probes_sent_; }

  /// In a call: how (and, after Initiate, the seconds since it).
  std::function<void(GroupCallJoin how, double setup_s)> on_joined;
  /// Moved to another call of the group that started earlier (call identifier).
  std::function<void(uint16_t)> on_merged;
  /// A member confirmed the call (sending user ID).
  std::function<void(const std::string&)> on_accept;
  /// A GROUP CALL PROBE or ANNOUNCEMENT this member sent.
  std::function<void(codec::MonpType)> on_sent;
  /// A datagram that does not decode (error name).
  std::function<void(const std::string&)> on_error;

 private:
  void Send(crypto::Bytes datagram);
  void SendProbe();
  void Announce(bool probe_response);
  void RestartTfg2(double delay_s);
  /// Announces the call within U(0, 1/12) s (TFG2 restarted), unless an announcement of it is
  /// heard first.
  void AnswerSoon(bool probe_response);
  double PeriodicDelay();
  void Join(const codec::MonpGroupCallMessage& announcement);
  /// Makes another member's announced call ours to repeat.
  void Adopt(const codec::MonpGroupCallMessage& announcement);
  void StopTimers();

  GroupCallConfig cfg_;
  Host& host_;
  GroupCallState state_ = GroupCallState::kS1StartStop;
  std::optional<codec::MonpGroupCallMessage> call_;  ///< the call's announcement as we repeat it
  std::optional<double> initiated_at_;
  TimerId tfg1_ = 0, tfg2_ = 0, tfg3_ = 0;
  uint64_t announcements_sent_ = 0, probes_sent_ = 0;
};

}  // namespace mcx::procedures
