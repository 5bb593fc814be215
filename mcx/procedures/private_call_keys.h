// A private call's keys (TS 33.180 5.7, 7.4): the PCK the caller made and carried to the callee
// in a MIKEY-SAKKE I_MESSAGE, its ID and the message's RAND, from which both ends derive the
// call's SRTP and SRTCP keys. Off-network (MONP) and on-network (SIP through the MCX server): how
// the caller makes them and the callee checks them is the same on both.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/rng.h"
#include "mcx/security/mikey_sakke.h"

namespace mcx::procedures {

struct PrivateCallKeys {
  crypto::SecretBytes pck;
  uint32_t pck_id = 0;
  crypto::Bytes rand;
  bool initiator = false;  ///< this end made the PCK (its crypto session is the initiator's, 7.4)
};

/// A fresh PCK and the I_MESSAGE that carries it.
struct MadePck {
  PrivateCallKeys keys;
  crypto::Bytes i_message;
};

/// TS 33.180 5.7 (private call): the caller makes a fresh PCK and its PCK-ID and signs an
/// I_MESSAGE carrying it to `callee`, encrypted under the callee's KMS. Errors: kRandomFailure,
/// those of CreateIMessage.
crypto::Result<MadePck> MakePck(const security::mikey_sakke::LocalIdentity& me,
                                const security::mikey_sakke::KmsPublicInfo& my_kms, const std::string& callee,
                                const security::mikey_sakke::KmsPublicInfo& callee_kms, uint64_t ntp_now,
                                crypto::Rng& rng);

/// The callee's side: every receiver check on the I_MESSAGE (ProcessIMessage), its initiator
/// bound to `caller` (the calling user the call names), its timestamp within max_clock_skew_s.
crypto::Result<PrivateCallKeys> ReceivePck(crypto::ByteView i_message, const security::mikey_sakke::LocalIdentity& me,
                                           std::vector<security::mikey_sakke::KmsPublicInfo> kms,
                                           const std::string& caller, uint64_t ntp_now, uint64_t max_clock_skew_s);

/// The PCKs a callee accepted lately, by PCK-ID and RAND: the timestamp window alone lets an
/// I_MESSAGE be replayed within it (RFC 3830 5.4 pairs it with a replay cache), so one seen
/// within `hold_s` is refused.
class PckReplayCache {
 public:
  explicit PckReplayCache(double hold_s) : hold_s_(hold_s) {}
  /// Whether this PCK was seen within hold_s before `now_s`; records it if not.
  bool Seen(uint32_t pck_id, crypto::ByteView rand, double now_s);

 private:
  double hold_s_;
  std::map<std::pair<uint32_t, crypto::Bytes>, double> seen_;  ///< -> when it may be forgotten
};

}  // namespace mcx::procedures
