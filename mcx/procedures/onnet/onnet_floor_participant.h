// On-network floor participant (TS 24.380 clause 6.2): the MCPTT client's side of floor control
// with a floor control server in the controlling MCX server. States as in TS 24.380 6.2.4 (and
// psc-ns3's participant); every timer and counter is a field of OnnetFloorConfig. The participant
// works on decoded messages; protecting them as SRTCP under the CSK is the call's job. No ns-3.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mcx/codec/floor.h"
#include "mcx/procedures/floor_outcome.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/host_timer.h"

namespace mcx::procedures {

enum class OnnetFloorState {
  kStartStop,
  kHasNoPermission,  ///< 'U: has no permission'
  kPendingRequest,   ///< 'U: pending Request': T101 running
  kHasPermission,    ///< 'U: has permission': may send media
  kPendingRelease,   ///< 'U: pending Release': T100 running
  kQueued,           ///< 'U: queued': the server queued the request
};
const char* OnnetFloorStateName(OnnetFloorState s);

/// Timers and counters (TS 24.380 table 11.1.1-1, configured by TS 24.483; defaults as in
/// psc-ns3's participant).
struct OnnetFloorConfig {
  std::string user_id;
  uint32_t ssrc = 0;
  uint8_t priority = 1;                           ///< requested floor priority
  uint16_t indicator = codec::kIndicatorNormal;   ///< Floor Indicator of our requests (emergency, broadcast)
  double t100_s = 1.0;     ///< Floor Release retransmission
  uint32_t c100 = 3;
  double t101_s = 1.0;     ///< Floor Request retransmission (also after an implicit request)
  uint32_t c101 = 3;
  double t103_s = 4.0;     ///< end of RTP media (should equal the server's T1)
  double t104_s = 1.0;     ///< Floor Queue Position Request retransmission
  uint32_t c104 = 3;
  double t132_s = 2.0;     ///< queued request granted: wait for the user to accept
  /// Releasing PTT while queued: false (default) cancels the request (Floor Release); true keeps
  /// it queued, and a later Floor Granted waits T132 for the user to press again.
  bool stay_queued_on_release = false;
};

struct OnnetFloorHooks {
  std::function<void(const codec::FloorMessage&)> send;  ///< to the floor control server
  std::function<void(OnnetFloorState from, OnnetFloorState to)> on_state;
};

/// How the call started for this participant (TS 24.380 6.2.4.1).
enum class FloorStart {
  kNoRequest,         ///< joined without asking for the floor
  kImplicitRequest,   ///< our INVITE carried mc_implicit_request: T101 runs as for a Floor Request
  kGrantedInAnswer,   ///< the 200 OK carried mc_granted: we hold the floor
};

class OnnetFloorParticipant {
 public:
  OnnetFloorParticipant(OnnetFloorConfig cfg, Host& host, OnnetFloorHooks hooks);
  ~OnnetFloorParticipant();
  OnnetFloorParticipant(const OnnetFloorParticipant&) = delete;
  OnnetFloorParticipant& operator=(const OnnetFloorParticipant&) = delete;

  /// The call is established. `pressed_at_s`: when the user pressed PTT to make the call (the
  /// access time of an implicit request counts from there); default now.
  void Start(FloorStart how, std::optional<double> pressed_at_s = std::nullopt);
  /// The call is released: every timer stops, a pending request is abandoned ('Start-stop').
  void Stop();
  /// `emergency`: this request carries the emergency call type in its Floor Indicator (an
  /// emergency press in a running call), which pre-empts a normal talker at the server.
  void PressPtt(bool emergency = false);
  void ReleasePtt();
  /// The user asks where it stands in the queue (Floor Queue Position Request, T104/C104).
  void RequestQueuePosition();
  /// A decoded floor message from the server.
  void Receive(const codec::FloorMessage& m);
  /// RTP media from another talker arrived.
  void MediaReceived(uint32_t ssrc);

  OnnetFloorState state() const { return state_; }
  bool may_send_media() const { return state_ == OnnetFloorState::kHasPermission; }
  /// The talker as last announced by Floor Taken (its granted party's identity); empty when idle.
  const std::string& talker() const { return talker_; }
  std::optional<uint8_t> queue_position() const { return queue_position_; }
  std::optional<uint16_t> last_revoke_cause() const { return last_revoke_cause_; }
  uint64_t messages_sent() const { return messages_sent_; }
  uint64_t revokes() const { return revokes_; }

  /// A PTT press ended: the outcome and the time from the press (seconds, TS 22.179 KPI 1).
  std::function<void(FloorOutcome, double access_s)> on_outcome;

 private:
  void Enter(OnnetFloorState s);
  void Send(const codec::FloorMessage& m);
  void AckIfAsked(const codec::FloorMessage& m);
  void SendRequest();
  void SendRelease();
  void Finish(FloorOutcome o);
  void Granted();
  void OnT100();
  void OnT101();
  void OnT103();
  void OnT104();
  void OnT132();

  OnnetFloorConfig cfg_;
  Host& host_;
  OnnetFloorHooks hooks_;
  OnnetFloorState state_ = OnnetFloorState::kStartStop;
  HostTimer t100_, t101_, t103_, t104_, t132_;
  uint32_t c100_count_ = 0, c101_count_ = 0, c104_count_ = 0;
  bool ptt_down_ = false;
  uint16_t request_indicator_ = 0;  ///< the pending request's Floor Indicator
  bool was_queued_ = false;
  std::optional<double> pressed_at_;
  std::optional<uint8_t> queue_position_;
  std::optional<uint16_t> last_revoke_cause_;
  std::string talker_;
  uint64_t messages_sent_ = 0, revokes_ = 0;
};

}  // namespace mcx::procedures
