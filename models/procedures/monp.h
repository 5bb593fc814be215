// Off-network private call signalling (TS 24.379 clause 11.2, MONP messages of clause 15) and the
// PCK carried in the SDP offer as a=key-mgmt:mikey (TS 33.180 5.7 for private calls: a
// MIKEY-SAKKE I_MESSAGE from caller to callee). The field order of PRIVATE CALL SETUP REQUEST
// follows the Alea and psc-ns3 codecs; ACCEPT and REJECT carry the call identifier, both user IDs
// and the SDP answer or the reject reason (inferred, see mcx-signalling-digest 3.2). No ns-3.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cost_model.h"
#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"
#include "mcx/crypto/mikey_sakke.h"
#include "offnet_floor.h"
#include "timers.h"

namespace mcx::models {

/// UDP port of off-network MCPTT signalling (TS 24.379 10.2.1.1.1 / 11.2.1.1.1).
inline constexpr uint16_t kMonpPort = 8809;

enum class MonpType : uint8_t {
  kGroupCallProbe = 1,
  kGroupCallAnnouncement = 2,
  kGroupCallAccept = 3,
  kPrivateCallSetupRequest = 8,
  kPrivateCallRinging = 9,
  kPrivateCallAccept = 10,
  kPrivateCallReject = 11,
  kPrivateCallRelease = 12,
  kPrivateCallReleaseAck = 13,
};

/// Reject reasons (TS 24.379 table 15.2.8-1).
enum class PrivateCallRejectReason : uint8_t { kReject = 0, kMediaFailure = 1, kBusy = 2, kE2eSecurityContextFailure = 3, kFailed = 4 };

struct MonpPrivateCallMessage {
  MonpType type = MonpType::kPrivateCallSetupRequest;
  uint16_t call_id = 0;
  uint8_t commencement_mode = 0;  ///< setup request: 0 automatic, 1 manual
  uint8_t call_type = 5;          ///< setup request: 5 private, 6 emergency private
  std::string caller, callee;     ///< MCPTT IDs (LV-E)
  std::string sdp;                ///< setup request: offer; accept: answer
  uint8_t reason = 0;             ///< reject
};

crypto::Bytes Encode(const MonpPrivateCallMessage& m);
/// Errors: kTruncated, kTrailingBytes, kUnsupportedValue (not a private call message type).
crypto::Result<MonpPrivateCallMessage> DecodeMonp(crypto::ByteView b);

/// Group call signalling (TS 24.379 10.2, 15.1.2–15.1.4; field order as in the Alea dissector):
/// PROBE = type, MCPTT group ID; ANNOUNCEMENT = type, call identifier, call type, refresh interval
/// (ms), call start time and last call type change time (40-bit Unix seconds), group ID, SDP,
/// originating user ID, last user to change the call type, then optional type-1 IEs confirm mode
/// indication and probe response; ACCEPT = type, call identifier, call type, group ID, sending
/// user ID. String fields are LV-E (2-byte length).
struct MonpGroupCallMessage {
  /// Optional IEIs, read as hexadecimal (the spec's tables write "80"/"81"; mcx-signalling-digest 3.3).
  static constexpr uint8_t kConfirmModeIei = 0x80, kProbeResponseIei = 0x81;
  MonpType type = MonpType::kGroupCallProbe;
  uint16_t call_id = 0;
  uint8_t call_type = 1;  ///< 1 basic, 2 broadcast, 3 emergency, 4 imminent peril
  uint16_t refresh_interval_ms = 10000;
  uint64_t call_start_time = 0, last_call_type_change_time = 0;  ///< Unix seconds (40 bits)
  std::string group_id, sdp, originating_user, last_user_to_change_call_type;
  std::string sending_user;  ///< accept
  bool confirm_mode = false, probe_response = false;
};

crypto::Bytes Encode(const MonpGroupCallMessage& m);
/// Errors: kTruncated, kTrailingBytes, kUnsupportedValue (not a group call message type, a time
/// beyond 40 bits, an unknown optional IE).
crypto::Result<MonpGroupCallMessage> DecodeMonpGroupCall(crypto::ByteView b);

/// An off-network SDP offer/answer: address, voice and floor ports, and the MIKEY I_MESSAGE.
struct OffnetSdp {
  std::string address;
  uint16_t media_port = 0, floor_port = 0;
  crypto::Bytes mikey;  ///< empty in an answer
  std::string Text() const;
  /// Errors: kMissingPayload (no c= or m=audio line), kUnsupportedValue (bad base64 or port).
  static crypto::Result<OffnetSdp> Parse(std::string_view text);
};

/// What a private call endpoint needs from its host: clock and timers, sending to the peer's
/// MONP port, and crypto processing time (the host delays what follows by the cost model).
struct PrivateCallHooks {
  Timers timers;
  std::function<void(const std::string& peer_address, crypto::Bytes)> send;
  /// Runs `then` after the processing time of `w`.
  std::function<void(const CryptoWork& w, std::function<void()> then)> work;
};

/// The established call's keys: both ends derive the floor and media keys from the PCK.
struct PrivateCallKeys {
  crypto::SecretBytes pck;
  uint32_t pck_id = 0;
  crypto::Bytes rand;
};

/// One side of an off-network private call with automatic commencement (TS 24.379 11.2.2):
/// the caller sends PRIVATE CALL SETUP REQUEST with the PCK I_MESSAGE in the SDP offer and
/// repeats it on TFP1 up to CFP1 times; the callee runs every TS 33.180 receiver check on the
/// I_MESSAGE and answers ACCEPT, or REJECT with "E2E security context failure".
class PrivateCallEndpoint {
 public:
  struct Config {
    std::string user_id;
    std::string address;        ///< own IPv4 address for the SDP
    uint16_t media_port = 49150, floor_port = 49151;
    double tfp1_s = 0.040;      ///< setup request retransmission (psc-ns3)
    uint32_t cfp1 = 3;
    uint64_t unix_start = 1790000000;  ///< wall-clock date of simulated time 0 (key periods)
  };
  PrivateCallEndpoint(Config cfg, const crypto::mikey_sakke::LocalIdentity& me,
                      std::vector<crypto::mikey_sakke::KmsPublicInfo> kms, crypto::Rng& rng, PrivateCallHooks hooks);
  ~PrivateCallEndpoint();

  /// Calls `callee` at `callee_address` with a fresh PCK (ending this side's previous call).
  void Call(const std::string& callee, const std::string& callee_address);
  /// A MONP datagram from `from_address`.
  void Receive(const std::string& from_address, crypto::ByteView datagram);

  /// Established: (keys, peer address, peer SDP, true when this side called).
  std::function<void(const PrivateCallKeys&, const std::string&, const OffnetSdp&, bool)> on_established;
  /// The call failed: reason (e.g. "rejected_e2e_security", "no_answer", an ErrorName).
  std::function<void(const std::string&)> on_failed;
  bool established() const { return keys_.has_value(); }
  /// Seconds from Call() to ACCEPT received (caller side).
  std::optional<double> setup_s() const { return setup_s_; }

 private:
  void SendSetup();
  void OnSetup(const std::string& from, const MonpPrivateCallMessage& m);
  double NtpNow() const;

  Config cfg_;
  const crypto::mikey_sakke::LocalIdentity& me_;
  std::vector<crypto::mikey_sakke::KmsPublicInfo> kms_;
  crypto::Rng& rng_;
  PrivateCallHooks hooks_;
  std::optional<PrivateCallKeys> keys_;
  std::optional<double> setup_s_;
  // Caller state.
  std::optional<MonpPrivateCallMessage> setup_;
  std::string peer_address_;
  double called_at_ = 0;
  uint32_t sent_ = 0;
  uint64_t tfp1_ = 0;
  PrivateCallKeys pending_;
  // Callee: the call identifiers already answered (a repeated request is answered again).
  std::map<uint16_t, crypto::Bytes> answered_;
};

}  // namespace mcx::models
