// Off-network floor control (TS 24.380 clause 7; states of table C.2.1-1, behaviour as in NIST's
// psc-ns3 off-network floor participant): no server, the current talker arbitrates, every floor
// message goes to the whole group. The participant works on decoded messages; protecting them as
// SRTCP under the call's GMK or PCK key is the transport's job (OffnetFloorChannel below). No ns-3.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcx/crypto/key_store.h"
#include "mcx/crypto/srtp.h"
#include "mcx/proto/floor.h"
#include "timers.h"

namespace mcx::models {

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

/// What the participant needs from its host: a clock and timers, and a way to send a floor
/// message to the group.
struct OffnetFloorHooks {
  Timers timers;
  std::function<void(const proto::FloorMessage&)> send;
  std::function<void(OffnetFloorState from, OffnetFloorState to)> on_state;
};

/// How a floor request ended (for access-time statistics).
enum class FloorOutcome { kGranted, kTakenUnarbitrated, kDenied, kAbandoned, kGrantedAfterQueue };
const char* FloorOutcomeName(FloorOutcome o);

class OffnetFloorParticipant {
 public:
  OffnetFloorParticipant(OffnetFloorConfig cfg, OffnetFloorHooks hooks);
  ~OffnetFloorParticipant();

  /// Joins the call ('O: silence', T230 running).
  void Start();
  /// Leaves the call ('Start-stop'), cancelling every timer.
  void Stop();
  void PressPtt();
  void ReleasePtt();
  /// A decoded floor message from another participant.
  void Receive(const proto::FloorMessage& m);
  /// RTP media from `ssrc` arrived.
  void MediaReceived(uint32_t ssrc);

  OffnetFloorState state() const { return state_; }
  bool may_send_media() const { return state_ == OffnetFloorState::kHasPermission; }
  /// The talker's user ID as last announced (Floor Taken / Granted / Request).
  const std::string& talker() const { return talker_; }
  /// Called when a PTT press ends: the outcome and the time from the press (seconds).
  std::function<void(FloorOutcome, double access_s)> on_outcome;
  /// Floor Taken from another participant while this one also held the floor: two arbitrators.
  uint64_t duplicate_arbitrators() const { return duplicate_arbitrators_; }
  uint64_t messages_sent() const { return messages_sent_; }

 private:
  void Enter(OffnetFloorState s);
  void Send(const proto::FloorMessage& m);
  void StartTimer(uint64_t& id, double delay_s, void (OffnetFloorParticipant::*fn)());
  void StopTimer(uint64_t& id);
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
  uint64_t t201_ = 0, t203_ = 0, t205_ = 0, t206_ = 0, t207_ = 0, t230_ = 0;
  uint64_t duplicate_arbitrators_ = 0, messages_sent_ = 0;
  std::vector<Queued> queue_;  ///< has permission, queueing on: higher priority first, then arrival
};

/// The SRTCP protection of off-network floor messages (TS 33.180 7.4, TS 24.380 13): the call's
/// media key, salt and MKI. Group calls: per-sender keys from the GMK with the sender's GUK-ID
/// (MKI = GMK-ID || GUK-ID), so a receiver holding the GMK rebuilds any member's key from the
/// MKI. Private calls: the PCK (MKI = PCK-ID). The CS-ID comes from the key policy.
class OffnetFloorCrypto {
 public:
  /// A group call under the GMKs held in `gmks` (TS 33.180 5.7): each message goes out under the
  /// group's GMK active at `unix_now()` (latest activation, 5.2.4); a received one is opened
  /// with whichever held GMK its MKI names, unless that key has expired or was revoked. The
  /// store may gain keys during the call (a rekey before leaving coverage).
  static OffnetFloorCrypto ForGroup(std::shared_ptr<const crypto::KeyStore> gmks, std::string group_uri,
                                    std::string user_uri, std::function<uint64_t()> unix_now);
  /// One GMK, active at once and never expiring; `rand` is the RAND of the MIKEY message that
  /// carried it.
  static OffnetFloorCrypto ForGroup(crypto::ByteView gmk, uint32_t gmk_id, crypto::ByteView rand,
                                    const std::string& user_uri);
  static OffnetFloorCrypto ForPrivate(crypto::ByteView pck, uint32_t pck_id, crypto::ByteView rand, bool initiator);

  /// Errors: kKeyNotFound (no GMK of the group is active now), those of srtp::Sender::ProtectRtcp.
  crypto::Result<proto::ProtectedFloorMessage> Protect(const proto::FloorMessage& m);
  /// Errors: kUnknownMki (a key we do not hold), kKeyExpired, kKeyRevoked (group calls: the
  /// GMK the MKI names), kAuthenticationFailed, replays (counted in counters()), Decode's errors.
  crypto::Result<proto::FloorMessage> Unprotect(crypto::ByteView wire);
  /// The call's media under the same key (SRTP). Errors: as Protect / Unprotect.
  crypto::Result<crypto::Bytes> ProtectMedia(crypto::ByteView rtp);
  crypto::Result<crypto::Bytes> UnprotectMedia(crypto::ByteView srtp);
  const crypto::srtp::Counters& counters() const { return receiver_->counters(); }
  /// Group calls: the GMK-ID messages go out under now (0 = none active). Private calls: 0.
  uint32_t SendingKeyId() const;
  /// Whether a message could be protected now (a private call always; a group call while a GMK
  /// of the group is active).
  bool CanSend() const { return !group_ || SendingKeyId() != 0; }

 private:
  struct GroupKeys {
    std::shared_ptr<const crypto::KeyStore> store;
    std::string group_uri, user_uri;
    std::function<uint64_t()> unix_now;
    uint32_t sender_key_id = 0;  ///< the GMK sender_ was made from
  };
  OffnetFloorCrypto() = default;
  /// Group calls: makes sender_ follow the active GMK. Errors: kKeyNotFound.
  crypto::Status UseActiveGmk();
  /// Group calls: the GMK the packet's MKI names must be held and usable now.
  crypto::Status CheckReceivedKey(crypto::ByteView wire) const;
  std::unique_ptr<crypto::srtp::Sender> sender_;
  std::unique_ptr<crypto::srtp::Receiver> receiver_;
  std::optional<GroupKeys> group_;
};

}  // namespace mcx::models
