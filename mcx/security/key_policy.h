// Which key protects which traffic (TS 33.180 7.4, 9.4; TS 24.380 13): one small policy.
#pragma once

#include "mcx/security/identity.h"
#include "mcx/security/types.h"

namespace mcx::security::policy {

enum class Service { kMcptt, kMcvideo };
enum class CallType { kGroup, kPrivate };
enum class Network { kOnNetwork, kOffNetwork };
enum class Delivery { kUnicast, kMulticast };
enum class Plane { kMedia, kControl };

struct Traffic {
  Service service = Service::kMcptt;
  CallType call = CallType::kGroup;
  Network network = Network::kOnNetwork;
  Delivery delivery = Delivery::kUnicast;
  Plane plane = Plane::kMedia;
  bool server_to_server = false;  ///< between MCX servers (control only)
  bool initiator = true;          ///< private calls: the caller's or the callee's crypto session
  bool musik_available = true;    ///< multicast control: a MuSiK is associated with the call
};

/// How the MKI is formed.
enum class MkiForm {
  kGmkIdGukId,  ///< 64 bits: GMK-ID || the sender's GUK-ID (per-sender keys)
  kKeyId,       ///< 32 bits: PCK-ID, CSK-ID, MuSiK-ID, MKFC-ID or SPK-ID
};

struct KeyChoice {
  KeyPurpose key;
  uint8_t cs_id;
  MkiForm mki;
  bool per_sender;    ///< the master key is derived with the sender's GUK-ID as CSB-ID
  const char* rule;   ///< the clause the row comes from
};

/// Errors: kUnsupportedValue (a combination TS 33.180 does not define, e.g. server-to-server
/// media, or off-network server traffic).
Result<KeyChoice> Select(const Traffic& t);

/// Bytes of the MKI for a choice.
inline size_t MkiBytes(MkiForm f) { return f == MkiForm::kGmkIdGukId ? 8 : 4; }

}  // namespace mcx::security::policy
