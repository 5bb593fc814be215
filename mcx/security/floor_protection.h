// Floor control messages protected as SRTCP (TS 33.180 9.4, TS 24.380 13): the codec's message
// encoded, then SRTCP-protected under the key the key policy names; and the reverse.
#pragma once

#include "mcx/codec/floor.h"
#include "mcx/security/srtp.h"
#include "mcx/security/types.h"

namespace mcx::security {

/// A floor message protected as SRTCP (TS 33.180 9.4 / TS 24.380 13): the wire bytes and the
/// byte accounting (plain RTCP size, on-the-wire size).
struct ProtectedFloorMessage {
  crypto::Bytes wire;
  srtp::Sizes sizes;
};
/// Errors: those of srtp::Sender::ProtectRtcp.
crypto::Result<ProtectedFloorMessage> ProtectFloor(srtp::Sender& sender, const codec::FloorMessage& m);
/// SRTCP-unprotects then decodes. Errors: the receiver's (counted there) and Decode's.
crypto::Result<codec::FloorMessage> UnprotectFloor(srtp::Receiver& receiver, crypto::ByteView wire);

}  // namespace mcx::security
