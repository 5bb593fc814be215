// Floor control messages (TS 24.380 clause 8): RTCP APP packets named "MCPT", one message per
// packet, with TLV fields (ID, length, value, padded to 32 bits). Field IDs follow the current
// numbering (0 = Floor Priority ... 24), which Wireshark 4.0 decodes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::codec {

using crypto::Bytes;
using crypto::ByteView;
using crypto::Error;
using crypto::Result;
using crypto::Status;

inline constexpr uint8_t kRtcpPtApp = 204;
inline constexpr char kNameMcpt[] = "MCPT";  ///< floor control
inline constexpr uint8_t kAckRequested = 0x10;  ///< subtype bit: acknowledgement requested

/// Message types (the low 4 bits of the subtype), TS 24.380 table 8.2.2-1.
enum class FloorMsgType : uint8_t {
  kRequest = 0,
  kGranted = 1,
  kTaken = 2,
  kDeny = 3,
  kRelease = 4,
  kIdle = 5,
  kRevoke = 6,
  kQueuePositionRequest = 8,
  kQueuePositionInfo = 9,
  kAck = 10,
};
const char* FloorMsgTypeName(FloorMsgType t);

/// Field IDs, TS 24.380 table 8.2.3.1-2.
enum class FieldId : uint8_t {
  kFloorPriority = 0,
  kDuration = 1,
  kRejectCause = 2,
  kQueueInfo = 3,
  kGrantedPartyIdentity = 4,
  kPermissionToRequest = 5,
  kUserId = 6,
  kQueueSize = 7,
  kMessageSequenceNumber = 8,
  kQueuedUserId = 9,
  kSource = 10,
  kTrackInfo = 11,
  kMessageType = 12,
  kFloorIndicator = 13,
  kSsrcOfGranted = 14,
};

/// Floor Indicator bits (TS 24.380 8.2.3.15).
inline constexpr uint16_t kIndicatorNormal = 0x8000;
inline constexpr uint16_t kIndicatorBroadcast = 0x4000;
inline constexpr uint16_t kIndicatorEmergency = 0x1000;
inline constexpr uint16_t kIndicatorImminentPeril = 0x0800;
inline constexpr uint16_t kIndicatorQueueingSupported = 0x0400;

/// The Floor Indicator of a call's messages by its type (TS 24.380 8.2.3.15).
inline uint16_t CallIndicator(bool emergency, bool broadcast) {
  return static_cast<uint16_t>(kIndicatorNormal | (emergency ? kIndicatorEmergency : 0) |
                               (broadcast ? kIndicatorBroadcast : 0));
}

/// Floor Deny reject causes (TS 24.380 8.2.3.4).
inline constexpr uint16_t kDenyAnotherHasPermission = 1;
inline constexpr uint16_t kDenyInternalError = 2;
inline constexpr uint16_t kDenyOnlyOneParticipant = 3;
inline constexpr uint16_t kDenyRetryAfterNotExpired = 4;
inline constexpr uint16_t kDenyReceiveOnly = 5;
inline constexpr uint16_t kDenyNoResources = 6;
inline constexpr uint16_t kDenyQueueFull = 7;
inline constexpr uint16_t kDenyOther = 255;
/// Floor Revoke causes (TS 24.380 8.2.3.4, Floor Revoke).
inline constexpr uint16_t kRevokeOnlyOneClient = 1;
inline constexpr uint16_t kRevokeMediaBurstTooLong = 2;
inline constexpr uint16_t kRevokeNoPermission = 3;
inline constexpr uint16_t kRevokePreempted = 4;
inline constexpr uint16_t kRevokeNoResources = 6;
inline constexpr uint16_t kRevokeOther = 255;

/// Source values (8.2.3.12).
enum class Source : uint16_t { kParticipant = 0, kParticipatingFunction = 1, kControllingFunction = 2, kNonControlling = 3 };

struct FloorField {
  uint8_t id = 0;
  Bytes value;  ///< without the padding
};

/// An MCPT message. Typed accessors read the fields; builders below make each message.
struct FloorMessage {
  uint8_t subtype = 0;  ///< message type | kAckRequested
  uint32_t ssrc = 0;    ///< the sender's SSRC
  std::vector<FloorField> fields;

  FloorMsgType type() const { return static_cast<FloorMsgType>(subtype & 0x0f); }
  bool ack_requested() const { return (subtype & kAckRequested) != 0; }
  const FloorField* Find(FieldId id) const;
  std::optional<uint16_t> U16(FieldId id) const;   ///< Duration, Permission, Queue Size, Seq, Source, Indicator
  std::optional<std::string> Text(FieldId id) const;  ///< Granted Party's Identity, User ID, Queued User ID
  std::optional<uint8_t> Priority() const;
  std::optional<uint16_t> RejectCause() const;
  std::optional<std::string> RejectPhrase() const;
  std::optional<std::pair<uint8_t, uint8_t>> QueueInfo() const;  ///< position, priority
  std::optional<uint32_t> GrantedSsrc() const;
  std::optional<FloorMsgType> AcknowledgedType() const;  ///< Message Type field (in an Ack)

  FloorMessage& AddU16(FieldId id, uint16_t v);
  FloorMessage& AddText(FieldId id, std::string_view s);
  FloorMessage& AddPriority(uint8_t p);
  FloorMessage& AddRejectCause(uint16_t cause, std::string_view phrase = {});
  FloorMessage& AddQueueInfo(uint8_t position, uint8_t priority);
  FloorMessage& AddGrantedSsrc(uint32_t ssrc);
  FloorMessage& AddMessageType(FloorMsgType t);
};

/// RTCP APP packet: V=2 P=0 subtype | PT 204 | length | SSRC | "MCPT" | fields (padded).
Bytes Encode(const FloorMessage& m);
/// Errors: kTruncated (packet or a field ends early, or the RTCP length disagrees),
/// kTrailingBytes (bytes after the RTCP length), kUnsupportedValue (not version 2, P set,
/// not PT 204, name not "MCPT", non-zero padding).
Result<FloorMessage> Decode(ByteView packet);

/// The fields TS 24.380 makes mandatory for each message (clause 8.2 on-network; clause 8.3
/// off-network, where the sender's User ID travels in every message the arbitrator acts on).
/// Errors: kMissingPayload (a mandatory field is absent).
Status Validate(const FloorMessage& m, bool off_network);

// Builders for each message (on-network unless the name says otherwise).
FloorMessage FloorRequest(uint32_t ssrc, uint8_t priority, uint16_t indicator = kIndicatorNormal);
FloorMessage FloorGranted(uint32_t ssrc, uint16_t duration_s, uint8_t priority, uint16_t indicator = kIndicatorNormal);
FloorMessage FloorTaken(uint32_t ssrc, std::string_view granted_party, bool permission_to_request, uint16_t seq,
                        uint16_t indicator = kIndicatorNormal);
FloorMessage FloorDeny(uint32_t ssrc, uint16_t cause, std::string_view phrase = {});
FloorMessage FloorRelease(uint32_t ssrc, uint16_t indicator = kIndicatorNormal);
FloorMessage FloorIdle(uint32_t ssrc, uint16_t seq, uint16_t indicator = kIndicatorNormal);
FloorMessage FloorRevoke(uint32_t ssrc, uint16_t cause);
FloorMessage FloorQueuePositionRequest(uint32_t ssrc);
FloorMessage FloorQueuePositionInfo(uint32_t ssrc, uint8_t position, uint8_t priority);
FloorMessage FloorAck(uint32_t ssrc, FloorMsgType acknowledged, Source source);

/// Off-network variants (TS 24.380 8.3, used by TS 24.379 off-network calls).
FloorMessage OffnetFloorRequest(uint32_t ssrc, std::string_view user_id, uint8_t priority,
                                uint16_t indicator = kIndicatorNormal);
FloorMessage OffnetFloorGranted(uint32_t ssrc, std::string_view arbitrator_user_id, uint32_t granted_ssrc,
                                uint16_t duration_s, uint8_t priority);
FloorMessage OffnetFloorTaken(uint32_t ssrc, std::string_view talker_user_id, std::string_view granted_party,
                              bool permission_to_request, uint16_t seq);
FloorMessage OffnetFloorDeny(uint32_t ssrc, std::string_view user_id, uint16_t cause);
FloorMessage OffnetFloorRelease(uint32_t ssrc, std::string_view user_id);
FloorMessage OffnetFloorQueuePositionInfo(uint32_t ssrc, std::string_view user_id, std::string_view queued_user,
                                          uint8_t position, uint8_t priority);

}  // namespace mcx::codec
