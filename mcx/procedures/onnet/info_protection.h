// XML protection of a call's mcpttinfo on the wire (TS 33.180 9.3, TS 24.379 F.1 and F.6): the
// identities in it (mcptt-request-uri, mcptt-calling-user-id) encrypted under the confidentiality
// key of the XPK (FC 0x51) and the body signed under its integrity key (FC 0x52), in an
// application/vnd.3gpp.mcptt-signed+xml body that names the mcpttinfo by its Content-ID. Between
// a client and its MCX server the XPK is the client's CSK, and the keys are derived for that
// client's MC service user ID, whichever way the message goes. No ns-3.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/transport/sip_message.h"
#include "mcx/security/key_store.h"
#include "mcx/security/xml_protect.h"

namespace mcx::procedures {

/// The mcpttinfo elements protected on the wire: who calls whom (TS 33.180 9.3.1).
const std::vector<std::string>& ProtectedInfoElements();

/// The signalling keys of `csk` for its client `user_uri` (TS 33.180 F.1.4).
security::xmlsec::SignallingKeys CskSignallingKeys(const security::StoredKey& csk, const std::string& user_uri);

/// Finds the signalling keys of any of `csks` (the client's CSKs) by XPK-ID, deriving each once.
security::xmlsec::KeyLookup CskKeyLookup(std::vector<const security::StoredKey*> csks, std::string user_uri);

/// Adds `info` to `m` as its mcpttinfo body. With `keys`, the identities are encrypted and an
/// mcptt-signed+xml body signs the mcpttinfo; without, it goes as it is. Errors: EncryptElements's.
crypto::Status AddMcpttInfo(SipMessage& m, const McpttInfo& info, const security::xmlsec::SignallingKeys* keys,
                            crypto::Rng& rng);

/// The mcpttinfo of `m` as plain XML. With `keys`, it must be signed under one of them and its
/// encrypted elements open (an unprotected mcpttinfo is refused); without, it is taken as it is.
/// Errors: kMissingPayload (no mcpttinfo, or no signature), VerifyBodies's and DecryptElements's.
crypto::Result<std::string> OpenMcpttInfo(const SipMessage& m, const security::xmlsec::KeyLookup* keys);

}  // namespace mcx::procedures
