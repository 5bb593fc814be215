// Off-network floor control (TS 24.380 clause 7; states of table C.2.1-1, behaviour as in NIST's
// psc-ns3 off-network floor participant): no server, the current talker arbitrates, every floor
// message goes to the whole group. The participant works on decoded messages; protecting them as
// SRTCP under the call's GMK or PCK key is the call protection's job (security/call_protection.h).
// Timers come from the host. No ns-3.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcx/codec/floor.h"
#include "mcx/procedures/floor_outcome.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/host_timer.h"

namespace mcx::procedures {

enum class OffnetFloorState {
  kStartStop,
  kSilence,             ///< 'O: silence': nobody holds the floor
  kHasNoPermission,     ///< 'O: has no permission': someone else talks
  kPendingRequest,      ///< 'O: pending request': T201 running
  kHasPermission,       ///< 'O: has permission': talking and arbitrating
  kPendingGranted,      ///< 'O: pending granted': granted to another, T205 running until its media
  kQueued,              ///< 'O: queued': the talker queued our request (queueing on)
};
const char* OffnetFloorStateName(OffnetFloorState s);

/// Timers and counters (TS 24.380 7.2; defaults as in psc-ns3, whose values follow TS 24.483).
struct OffnetFloorConfig {
  std::string user_id;           ///< MCPTT ID
  uint32_t ssrc = 0;
  uint8_t priority = 1;          ///< floor priority; a higher one pre-empts the talker
  double t201_s = 0.040;         ///< Floor Request retransmission
  uint32_t c201 = 3;             ///< Floor Requests before taking an unarbitrated floor
  double t203_s = 4.0;           ///< end of RTP media
  double t205_s = 0.080;         ///< Floor Granted retransmission
  uint32_t c205 = 4;
  double t206_s = 27.0;          ///< stop-talking warning
  double t207_s = 3.0;           ///< stop talking (after the warning)
  double t230_s = 600.0;         ///< inactivity: the call ends
  uint16_t granted_duration_s = 30;
  /// Queueing (TS 24.380 7.2, off-network): the talker queues requests it does not pre-empt for
  /// (Floor Queue Position Info) and, when it releases, grants the floor to the first queued
  /// instead of going silent. Off: it denies them (psc-ns3's default).
  bool queueing = false;
  uint32_t max_queue = 8;
};

/// Where the participant's messages go and what it reports: floor messages to the group (the
/// call's protection sends them), and each state change.
struct OffnetFloorHooks {
  std::function<void(const codec::FloorMessage&)> send;
  std::function<void(OffnetFloorState from, OffnetFloorState to)> on_state;
};

class OffnetFloorParticipant {
 public:
  OffnetFloorParticipant(OffnetFloorConfig cfg, Host& host, OffnetFloorHooks hooks);
  ~OffnetFloorParticipant();

  /// Joins the call ('O: silence', T230 running).
  void Start();
  /// Leaves the call ('Start-stop'), cancelling every timer.
  void Stop();
  void PressPtt();
  void ReleasePtt();
  /// A decoded floor message from another participant.
  void Receive(const codec::FloorMessage& m);
  /// RTP media from `ssrc` arrived.
  void MediaReceived(uint32_t ssrc);

  OffnetFloorState state() const { return state_; }
  bool may_send_media() const { return state_ == OffnetFloorState::kHasPermission; }
  /// The talker's user ID as last announced (Floor Taken / Granted / Request).
  const std::string& talker() const { return talker_; }
  /// Called when a PTT press ends: the outcome and the time from the press (seconds).
  std::function<void(FloorOutcome, double access_s)> on_outcome;
  /// Floor Taken from another participant while this one also held the floor: two arbitrators.
  std::function<void()> on_duplicate_arbitrator;
  uint64_t duplicate_arbitrators() const { return duplicate_arbitrators_; }
  uint64_t messages_sent() const { return messages_sent_; }

 private:
  void Enter(OffnetFloorState s);
  void Send(const codec::FloorMessage& m);
  void OnT201();
  void OnT203();
  void OnT205();
  void OnT206();
  void OnT207();
  void OnT230();
  void SendRequest();
  void TakeFloor(FloorOutcome how);
  void Finish(FloorOutcome o);
  void ListenTo(const std::string& talker, uint32_t ssrc);
  void ReleaseFloor();
  void Grant(uint32_t ssrc, const std::string& user, uint8_t priority);
  void Enqueue(uint32_t ssrc, const std::string& user, uint8_t priority);

  struct Queued {
    uint32_t ssrc;
    std::string user;
    uint8_t priority;
  };
  OffnetFloorConfig cfg_;
  Host& host_;
  OffnetFloorHooks hooks_;
  OffnetFloorState state_ = OffnetFloorState::kStartStop;
  std::string talker_;
  uint32_t talker_ssrc_ = 0;
  uint32_t granted_ssrc_ = 0;     ///< pending granted: whom we granted
  std::string granted_user_;
  uint8_t granted_priority_ = 0;
  uint32_t c201_count_ = 0, c205_count_ = 0;
  uint16_t seq_ = 0;
  std::optional<double> ptt_pressed_at_;
  bool ptt_down_ = false;
  HostTimer t201_, t203_, t205_, t206_, t207_, t230_;
  uint64_t duplicate_arbitrators_ = 0, messages_sent_ = 0;
  std::vector<Queued> queue_;  ///< has permission, queueing on: higher priority first, then arrival
};

}  // namespace mcx::procedures
