// The floor control server of the controlling MCX server (TS 24.380 clause 6.3): one general
// state machine per call ('G: ...', 6.3.4) and one towards each participant ('U: ...', 6.3.5),
// with queueing, priority pre-emption (Floor Revoke), Floor Ack on request and every timer and
// counter a field of FloorServerConfig. It works on decoded messages and participant names;
// routing, SRTCP under the CSK and the media relay are the call's job. No ns-3.
//
// Behaviour follows the TS 24.380 clauses cited at each step; where psc-ns3 departs from them
// (docs/floor-control.md lists where) we follow the clause.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcx/codec/floor.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/host_timer.h"

namespace mcx::procedures {

/// The general floor control machine, TS 24.380 6.3.4.
enum class FloorServerState {
  kStartStop,
  kFloorIdle,           ///< 'G: Floor Idle'
  kFloorTaken,          ///< 'G: Floor Taken'
  kPendingFloorRevoke,  ///< 'G: pending Floor Revoke'
};
const char* FloorServerStateName(FloorServerState s);

/// The machine towards one participant, TS 24.380 6.3.5.
enum class TowardsParticipantState {
  kStartStop,
  kNotPermittedFloorIdle,   ///< 'U: not permitted and Floor Idle'
  kNotPermittedFloorTaken,  ///< 'U: not permitted and Floor Taken'
  kPermitted,               ///< 'U: permitted'
  kPendingFloorRevoke,      ///< 'U: pending Floor Revoke'
  kNotPermittedSendsMedia,  ///< 'U: not permitted but sends media'
};
const char* TowardsParticipantStateName(TowardsParticipantState s);

/// Timers and counters of TS 24.380 table 11.1.2-1 (defaults as in psc-ns3's arbitrator).
struct FloorServerConfig {
  uint32_t ssrc = 0;       ///< the server's SSRC in its floor messages
  double t1_s = 4.0;       ///< end of RTP media: a silent talker loses the floor
  double t2_s = 30.0;      ///< stop talking: the longest talk burst (also the Granted Duration)
  double t3_s = 3.0;       ///< stop talking grace: a revoked talker's last media
  double t4_s = 30.0;      ///< inactivity: how long the floor may stay idle before the call ends
  double t7_s = 1.0;       ///< Floor Idle retransmission (with request_acks)
  uint32_t c7 = 10;
  double t8_s = 1.0;       ///< Floor Revoke retransmission (towards a participant)
  double t20_s = 1.0;      ///< Floor Granted retransmission, until the talker's media or Ack
  uint32_t c20 = 3;
  /// Queueing (TS 24.380 6.3.4.4.7, mc_queueing): a request the server neither grants nor lets
  /// pre-empt is queued, highest priority first and first come first within a priority.
  bool queueing = true;
  uint32_t max_queue = 8;  ///< beyond it: Floor Deny #7 (queue full)
  /// A higher floor priority (or emergency / imminent peril over normal) pre-empts the talker.
  bool preemption = true;
  /// Broadcast group call (TS 24.379 10.1.2): only the originator talks; others are denied (#5)
  /// and Floor Taken tells them they may not request.
  bool broadcast = false;
  uint16_t indicator = codec::kIndicatorNormal;  ///< Floor Indicator of the call's messages
  /// Floor Granted and Floor Idle ask for a Floor Ack; T20 and T7 repeat them until it comes.
  bool request_acks = false;
};

struct FloorServerHooks {
  /// A floor message to one participant (the call protects it under the CSK and routes it).
  std::function<void(const std::string& participant, const codec::FloorMessage&)> send;
  std::function<void(FloorServerState from, FloorServerState to)> on_state;
  /// T4 expired: the floor stayed idle too long; the call should be released.
  std::function<void()> on_inactive;
  /// The floor went to `participant` (a grant, queued or not).
  std::function<void(const std::string& participant)> on_granted;
};

struct FloorServerCounters {
  uint64_t grants = 0, queued_grants = 0, denials = 0, queued = 0, preemptions = 0, revokes = 0;
  uint64_t t1_expiries = 0, t2_expiries = 0, t3_expiries = 0;
  uint64_t media_without_permission = 0;  ///< RTP from a participant without the floor (dropped)
  uint64_t discarded = 0;                 ///< messages with no procedure in the current state
  uint64_t messages_sent = 0;
};

class FloorControlServer {
 public:
  FloorControlServer(FloorServerConfig cfg, Host& host, FloorServerHooks hooks);
  ~FloorControlServer();
  FloorControlServer(const FloorControlServer&) = delete;
  FloorControlServer& operator=(const FloorControlServer&) = delete;

  /// A participant joins (its machine starts when the server sends or receives the 200 OK,
  /// TS 24.380 6.3.5.1). `max_priority`: the mc_priority it was granted in the SDP answer; its
  /// requests are capped at it. Joining a running call is late entry: it is told Floor Taken
  /// (who talks) or Floor Idle at once.
  void AddParticipant(const std::string& participant, uint32_t ssrc, uint8_t max_priority = 255,
                      bool queueing = true);
  /// A participant leaves: out of the queue; if it held the floor, the floor moves on.
  void RemoveParticipant(const std::string& participant);
  /// The call starts (TS 24.380 6.3.4.2): with `implicit_request` from that participant (its
  /// INVITE carried mc_implicit_request), the floor is granted to it at once; otherwise idle.
  void Start(const std::optional<std::string>& implicit_request = std::nullopt, uint8_t priority = 1,
             uint16_t request_indicator = codec::kIndicatorNormal);
  /// The call is released: every timer stops ('Start-stop').
  void Stop();

  /// A decoded floor message from a participant.
  void Receive(const std::string& from, const codec::FloorMessage& m);
  /// RTP media from a participant. True when it may be relayed to the others.
  bool MediaReceived(const std::string& from);

  FloorServerState state() const { return state_; }
  TowardsParticipantState participant_state(const std::string& participant) const;
  /// The participant holding the floor (also while its floor is being revoked); empty when idle.
  const std::string& talker() const { return talker_; }
  /// Queued participants, first to be granted first.
  std::vector<std::string> queue() const;
  const FloorServerCounters& counters() const { return counters_; }

 private:
  struct Participant {
    std::string id;
    uint32_t ssrc = 0;
    uint8_t max_priority = 255;
    bool queueing = true;
    TowardsParticipantState state = TowardsParticipantState::kStartStop;
    bool idle_acked = false;
    bool media_since_revoke = false;
    std::unique_ptr<HostTimer> t8;
  };
  struct QueueEntry {
    std::string id;
    uint8_t priority;
    uint16_t indicator;
  };

  void EnterG(FloorServerState s);
  void Send(Participant& p, codec::FloorMessage m, bool ask_ack = false);
  Participant* Find(const std::string& id);
  void TellFloorStatus(Participant& p);
  void EnterIdle();
  void Grant(const std::string& id, uint8_t priority, uint16_t indicator, bool from_queue);
  void FloorFreed();
  void StartRevoke(uint16_t cause);
  void HandleRequest(Participant& p, const codec::FloorMessage& m);
  void HandleRelease(Participant& p);
  void QueueRequest(Participant& p, uint8_t priority, uint16_t indicator, bool at_front);
  void SendQueuePosition(Participant& p);
  bool Preempts(uint8_t priority, uint16_t indicator) const;
  std::vector<QueueEntry>::iterator Queued(const std::string& id);
  void Dequeue(const std::string& id);
  void SendGranted(Participant& p);
  void OnT1();
  void OnT2();
  void OnT3();
  void OnT4();
  void OnT7();
  void OnT20();
  void OnT8(const std::string& id);

  FloorServerConfig cfg_;
  Host& host_;
  FloorServerHooks hooks_;
  FloorServerState state_ = FloorServerState::kStartStop;
  std::map<std::string, Participant> participants_;
  std::vector<QueueEntry> queue_;
  std::string talker_;
  uint8_t talker_priority_ = 0;
  uint16_t talker_indicator_ = codec::kIndicatorNormal;
  std::string broadcast_originator_;
  uint16_t seq_ = 0;
  uint16_t revoke_cause_ = 0;
  std::optional<double> t2_started_at_;  ///< the talker's first media (T2 runs from it)
  uint32_t c7_count_ = 0, c20_count_ = 0;
  HostTimer t1_, t2_, t3_, t4_, t7_, t20_;
  FloorServerCounters counters_;
};

}  // namespace mcx::procedures
