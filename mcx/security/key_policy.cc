#include "mcx/security/key_policy.h"

namespace mcx::security::policy {

Result<KeyChoice> Select(const Traffic& t) {
  const bool video = t.service == Service::kMcvideo;
  // Media, and off-network control, use the call's end-to-end key (7.4.1, 7.4.2; off-network
  // floor/transmission control reuses the media key, salt and MKI).
  const bool end_to_end = t.plane == Plane::kMedia || t.network == Network::kOffNetwork;
  if (t.server_to_server) {
    if (t.plane != Plane::kControl || t.network != Network::kOnNetwork) return Error::kUnsupportedValue;
    // Signalling between MCX servers: manually keyed SPK (4.3.4.1). No CS-ID is assigned to it
    // in the tables we hold; the CSK's is used (as the Etherstack SPK vector does).
    return KeyChoice{KeyPurpose::kSpk, static_cast<uint8_t>(video ? 8 : 6), MkiForm::kKeyId, false,
                     "TS 33.180 4.3.4.1 (SPK), CS-ID as for the CSK"};
  }
  if (end_to_end) {
    if (t.call == CallType::kGroup)
      return KeyChoice{KeyPurpose::kGmk, static_cast<uint8_t>(video ? 5 : 4), MkiForm::kGmkIdGukId, true,
                       t.plane == Plane::kMedia ? "TS 33.180 7.4.2 (group media: GMK, GUK-ID)"
                                                : "TS 33.180 7.4.2 / 9.4 (off-network control: media key)"};
    const uint8_t cs = static_cast<uint8_t>((video ? 2 : 0) + (t.initiator ? 0 : 1));
    return KeyChoice{KeyPurpose::kPck, cs, MkiForm::kKeyId, false,
                     t.plane == Plane::kMedia ? "TS 33.180 7.4.1 (private media: PCK)"
                                              : "TS 33.180 7.4.1 / 9.4 (off-network control: media key)"};
  }
  // On-network control signalling is protected to the MC domain (9.4, TS 24.380 13.1).
  if (t.delivery == Delivery::kUnicast)
    return KeyChoice{KeyPurpose::kCsk, static_cast<uint8_t>(video ? 8 : 6), MkiForm::kKeyId, false,
                     "TS 33.180 9.4 / TS 24.380 13.1 (unicast control: CSK)"};
  if (t.musik_available)
    return KeyChoice{KeyPurpose::kMusik, static_cast<uint8_t>(video ? 9 : 7), MkiForm::kKeyId, false,
                     "TS 24.380 13.1 (multicast control: MuSiK)"};
  // Without a MuSiK, MBMS floor control uses the MKFC; no CS-ID for it was found: the MuSiK's.
  return KeyChoice{KeyPurpose::kMkfc, static_cast<uint8_t>(video ? 9 : 7), MkiForm::kKeyId, false,
                   "TS 24.380 13.1 (multicast control without MuSiK: MKFC), CS-ID as for the MuSiK"};
}

}  // namespace mcx::security::policy
