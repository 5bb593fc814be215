// A private call's keys (TS 33.180 5.7, 7.4): the PCK the caller made and carried to the callee
// in a MIKEY-SAKKE I_MESSAGE, its ID and the message's RAND, from which both ends derive the
// call's SRTP and SRTCP keys. Off-network (MONP) and on-network (SIP through the MCX server).
#pragma once

#include <cstdint>

#include "mcx/crypto/bytes.h"

namespace mcx::procedures {

struct PrivateCallKeys {
  crypto::SecretBytes pck;
  uint32_t pck_id = 0;
  crypto::Bytes rand;
  bool initiator = false;  ///< this end made the PCK (its crypto session is the initiator's, 7.4)
};

}  // namespace mcx::procedures
