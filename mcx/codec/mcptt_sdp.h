// The SDP of an MCPTT call: the sender's address, the voice and floor-control media lines, the
// floor control parameters of a=fmtp:MCPTT (TS 24.380 12.1.2, 14), and for a private call the
// PCK's MIKEY-SAKKE I_MESSAGE as a=key-mgmt:mikey (TS 33.180 5.7, RFC 4567). Off-network (TS
// 24.379 10.2.1.1.2, 11.2.1.1.2) and on-network (TS 24.379 6.2, digest 3.1) use the same lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::codec {

/// The floor control parameters of a=fmtp:MCPTT (TS 24.380 12.1.2.2).
struct FloorFmtp {
  bool queueing = false;           ///< mc_queueing: floor requests may be queued
  std::optional<uint8_t> priority; ///< mc_priority=1..255 (offer: requested maximum; answer: granted)
  bool granted = false;            ///< mc_granted (offer: supported; answer: the floor is granted)
  bool implicit_request = false;   ///< mc_implicit_request: the offer is a Floor Request
  bool empty() const { return !queueing && !priority && !granted && !implicit_request; }
  bool operator==(const FloorFmtp& o) const {
    return queueing == o.queueing && priority == o.priority && granted == o.granted && implicit_request == o.implicit_request;
  }
};

/// The answerer's parameters for an offer (TS 24.380 12.1.2.2, 14): queueing if both support it;
/// the granted priority at most the offered one (absent if the offer had none: the default);
/// mc_granted if the offerer supports it and the answerer grants the floor (`grant_floor`, e.g.
/// an implicit request answered at once). mc_implicit_request is an offer's, never echoed.
FloorFmtp FloorAnswer(const FloorFmtp& offer, const FloorFmtp& answerer, bool grant_floor);

/// An SDP offer or answer of an MCPTT call.
struct McpttSdp {
  std::string address;  ///< c=IN IP4, dotted
  uint16_t media_port = 0, floor_port = 0;
  crypto::Bytes mikey;  ///< empty in an answer and in a group call
  FloorFmtp floor;      ///< written as a=fmtp:MCPTT unless empty
  std::string Text() const;
  /// Errors: kMissingPayload (no c=, m=audio or m=application line), kUnsupportedValue (an
  /// address that is not dotted IPv4, a port outside 1-65535 (65534 for voice: its RTCP port is
  /// the next one), bad base64, mc_priority outside
  /// 1-255), kDuplicatePayload (two c=, media or fmtp:MCPTT lines, or a parameter twice). What
  /// parses is written back by Text() to text that parses to the same.
  static crypto::Result<McpttSdp> Parse(std::string_view text);
};

}  // namespace mcx::codec
