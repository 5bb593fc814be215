#include "mcx/security/control_protection.h"

#include "mcx/security/key_policy.h"
#include "mcx/security/srtp_keys.h"

namespace mcx::security {

Result<ControlProtection> ControlProtection::ForCsk(const StoredKey& csk) {
  if (csk.purpose != KeyPurpose::kCsk || csk.key.size() != 16) return Error::kUnsupportedValue;
  policy::Traffic t;
  t.plane = policy::Plane::kControl;
  t.delivery = policy::Delivery::kUnicast;
  auto choice = policy::Select(t);  // TS 24.380 13.1: unicast floor control under the CSK
  if (!choice) return choice.error();
  const srtp::MasterKey mk = KeyIdMasterKey(csk.key, csk.key_id, csk.rand, choice->cs_id);
  ControlProtection c;
  c.key_id_ = csk.key_id;
  c.sender_ = std::make_unique<srtp::Sender>(mk);
  c.receiver_ = std::make_unique<srtp::Receiver>(4, [mk](ByteView mki) -> std::optional<srtp::MasterKey> {
    if (mki != ByteView(mk.mki)) return std::nullopt;
    return mk;
  });
  return c;
}

Result<ProtectedFloorMessage> ControlProtection::Protect(const codec::FloorMessage& m) {
  return ProtectFloor(*sender_, m);
}

Result<codec::FloorMessage> ControlProtection::Unprotect(ByteView wire) { return UnprotectFloor(*receiver_, wire); }

Result<ProtectedFloorMessage> FloorToWire(ControlProtection* protection, const codec::FloorMessage& m) {
  if (protection) return protection->Protect(m);
  Bytes plain = codec::Encode(m);
  const srtp::Sizes sizes{plain.size(), plain.size()};
  return ProtectedFloorMessage{std::move(plain), sizes};
}

Result<codec::FloorMessage> FloorFromWire(ControlProtection* protection, ByteView wire) {
  return protection ? protection->Unprotect(wire) : codec::Decode(wire);
}

}  // namespace mcx::security
