// RTP packets (RFC 3550 5.1) as the simulated clients send voice: the fixed 12-byte header (no
// CSRC, no extension, no padding) and the payload.
#pragma once

#include <cstdint>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::codec {

inline constexpr size_t kRtpHeaderBytes = 12;

struct RtpPacket {
  uint8_t payload_type = 96;  ///< dynamic (the SDP maps it, e.g. AMR-WB)
  bool marker = false;
  uint16_t sequence = 0;
  uint32_t timestamp = 0;  ///< in the payload format's clock
  uint32_t ssrc = 0;
  crypto::Bytes payload;
};

crypto::Bytes Encode(const RtpPacket& p);
/// Errors: kTruncated (shorter than the header), kUnsupportedValue (not version 2, or padding,
/// an extension or CSRCs, which these clients never send).
crypto::Result<RtpPacket> DecodeRtp(crypto::ByteView b);

}  // namespace mcx::codec
