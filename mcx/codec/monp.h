// Mission Critical Off-Network Protocol messages (TS 24.379 clause 15): the private call messages
// (11.2) and the group call messages (10.2). The field order of PRIVATE CALL SETUP REQUEST follows
// the Alea and psc-ns3 codecs; ACCEPT and REJECT carry the call identifier, both user IDs and the
// SDP answer or the reject reason (inferred: docs/decisions.md). No keys here: the PCK rides in
// the SDP offer (mcptt_sdp.h).
#pragma once

#include <cstdint>
#include <string>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::codec {

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

/// The message's name in TS 24.379 table 15.2.2-1 ("PRIVATE CALL SETUP REQUEST"), or null for a
/// type this codec does not know.
const char* MonpTypeName(MonpType t);

}  // namespace mcx::codec
