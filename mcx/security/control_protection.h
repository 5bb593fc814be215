// On-network floor control protected to the MC domain (TS 33.180 9.4, TS 24.380 13.1): SRTCP
// under a key the MCX server and its clients share rather than the call's end-to-end key. Unicast
// between a client and the server: the client's CSK (uploaded at registration, 5.4), CS-ID from
// the key policy; both directions use the CSK's one master key (TGK = CSK, CSB-ID = CSK-ID, the
// upload's RAND) and MKI = CSK-ID, each end sending with its own SSRC, which keeps their AEAD
// nonces apart.
#pragma once

#include <memory>

#include "mcx/codec/floor.h"
#include "mcx/security/floor_protection.h"
#include "mcx/security/key_store.h"
#include "mcx/security/srtp.h"

namespace mcx::security {

class ControlProtection {
 public:
  /// Unicast floor control under this CSK (a StoredKey of purpose kCsk). Errors:
  /// kUnsupportedValue (not a CSK, or not 16 bytes).
  static Result<ControlProtection> ForCsk(const StoredKey& csk);

  /// Errors: those of srtp::Sender::ProtectRtcp.
  Result<ProtectedFloorMessage> Protect(const codec::FloorMessage& m);
  /// Errors: kUnknownMki (not this CSK), kAuthenticationFailed, replays (counted), Decode's.
  Result<codec::FloorMessage> Unprotect(ByteView wire);
  const srtp::Counters& counters() const { return receiver_->counters(); }
  uint32_t key_id() const { return key_id_; }

 private:
  ControlProtection() = default;
  uint32_t key_id_ = 0;
  std::unique_ptr<srtp::Sender> sender_;
  std::unique_ptr<srtp::Receiver> receiver_;
};

/// A floor message for the wire: SRTCP under `protection`, or plain RTCP without one (security
/// off); `sizes` has both sizes either way. Errors: those of Protect.
Result<ProtectedFloorMessage> FloorToWire(ControlProtection* protection, const codec::FloorMessage& m);
/// The reverse. Errors: those of Unprotect, or Decode's.
Result<codec::FloorMessage> FloorFromWire(ControlProtection* protection, ByteView wire);

}  // namespace mcx::security
