// The SDP of an off-network call (TS 24.379 10.2.1.1.2, 11.2.1.1.2): the sender's address, the
// voice and floor-control ports, and for a private call the PCK's MIKEY-SAKKE I_MESSAGE as
// a=key-mgmt:mikey (TS 33.180 5.7).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::codec {

/// An off-network SDP offer/answer: address, voice and floor ports, and the MIKEY I_MESSAGE.
struct OffnetSdp {
  std::string address;
  uint16_t media_port = 0, floor_port = 0;
  crypto::Bytes mikey;  ///< empty in an answer
  std::string Text() const;
  /// Errors: kMissingPayload (no c=, m=audio or m=application line), kUnsupportedValue (bad
  /// base64 or port). What parses is written back by Text() to text that parses to the same.
  static crypto::Result<OffnetSdp> Parse(std::string_view text);
};

}  // namespace mcx::codec
