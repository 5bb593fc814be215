#include "mcx/security/floor_protection.h"

namespace mcx::security {

crypto::Result<ProtectedFloorMessage> ProtectFloor(srtp::Sender& sender, const codec::FloorMessage& m) {
  const crypto::Bytes plain = codec::Encode(m);
  auto wire = sender.ProtectRtcp(plain);
  if (!wire) return wire.error();
  srtp::Sizes sizes{plain.size(), wire->size()};
  return ProtectedFloorMessage{std::move(wire).value(), sizes};
}

crypto::Result<codec::FloorMessage> UnprotectFloor(srtp::Receiver& receiver, crypto::ByteView wire) {
  auto plain = receiver.UnprotectRtcp(wire);
  if (!plain) return plain.error();
  return codec::Decode(*plain);
}

}  // namespace mcx::security
