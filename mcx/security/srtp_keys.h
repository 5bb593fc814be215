// SRTP master keys from keys distributed by MIKEY-SAKKE (TS 33.180 7.4, F.1.3): the master key and
// salt of a crypto session and the MKI that names them. Every place that turns a GMK or a PCK into
// an SRTP context (call protection, key logs, the demo, tests) derives it here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mcx/security/srtp.h"
#include "mcx/security/types.h"

namespace mcx::security {

/// 8-byte MKI of a group member's packets: GMK-ID || the sender's GUK-ID (TS 33.180 7.4.2).
Bytes GroupMki(uint32_t gmk_id, uint32_t guk_id);
/// 4-byte MKI naming one key: PCK-ID, CSK-ID, MuSiK-ID, MKFC-ID or SPK-ID (TS 33.180 7.4).
Bytes KeyIdMki(uint32_t key_id);

/// An MKI taken apart: the key ID it names and, for the 8-byte group form, the sender's GUK-ID.
struct MkiFields {
  uint32_t key_id = 0;
  std::optional<uint32_t> guk_id;
};
/// Empty unless the MKI is 4 or 8 bytes long.
std::optional<MkiFields> ParseMki(ByteView mki);

/// A group member's SRTP master key for crypto session `cs_id`: TGK = GMK, CSB-ID = the sender's
/// GUK-ID, RAND of the GMK's MIKEY message (7.4.2, F.1.3); MKI = GroupMki(gmk_id, guk_id).
srtp::MasterKey GroupSenderMasterKey(ByteView gmk, uint32_t gmk_id, uint32_t guk_id, ByteView rand, uint8_t cs_id);
/// A key named by its ID alone (PCK, CSK, MuSiK, MKFC, SPK): TGK = the key, CSB-ID = its ID,
/// MKI = KeyIdMki(key_id) (7.4.1, 9.4).
srtp::MasterKey KeyIdMasterKey(ByteView key, uint32_t key_id, ByteView rand, uint8_t cs_id);
/// One direction of a private call: KeyIdMasterKey of the PCK with that direction's CS-ID.
inline srtp::MasterKey PrivateCallMasterKey(ByteView pck, uint32_t pck_id, ByteView rand, uint8_t cs_id) {
  return KeyIdMasterKey(pck, pck_id, rand, cs_id);
}

/// A key log (mcxsim run --keylog): told of every master key derived here, with what it is
/// ("GMK-ID 0x..., sender GUK-ID 0x..., CS-ID 1" or "CSK-ID 0x..., CS-ID 6"), so an independent
/// SRTP implementation can open captured packets. Process-wide; the simulator is one thread.
using KeyLogSink = std::function<void(const srtp::MasterKey& key, const std::string& what)>;
/// Installs the sink (an empty one turns the log off).
void SetKeyLogSink(KeyLogSink sink);

}  // namespace mcx::security
