// Group documents (TS 24.481; digest 1.5): the OMA list-service document with the members and,
// in mgktp:GKTPs/GMK-GKTPs, the GMK I_MESSAGE for the requesting member as hexBinary; and the
// RFC 5875 xcap-diff body a NOTIFY carries to say the document changed.
#pragma once

#include <functional>
#include <optional>
#include <variant>
#include <string>
#include <vector>

#include "mcx/codec/mcptt_sdp.h"
#include "mcx/crypto/bytes.h"
#include "mcx/procedures/transport/sip_message.h"
#include "mcx/security/xml_protect.h"

namespace mcx::procedures {

inline constexpr const char* kSdpContentType = "application/sdp";
inline constexpr const char* kGroupDocContentType = "application/vnd.oma.poc.groups+xml";
inline constexpr const char* kXcapDiffContentType = "application/xcap-diff+xml";
inline constexpr const char* kMikeyContentType = "application/mikey";
inline constexpr const char* kMcpttInfoContentType = "application/vnd.3gpp.mcptt-info+xml";
inline constexpr const char* kResourceListsContentType = "application/resource-lists+xml";
inline constexpr const char* kAffiliationContentType = "application/vnd.3gpp.mcptt-affiliation-command+xml";

/// How the GMS distributes a GMK (TS 33.180 5.7.2): pushed in the group document a SIP NOTIFY
/// carries (5.7.2.x), or pulled by the member with an HTTP GET after the NOTIFY says the document
/// changed (5.7.2.y). Unscoped, so that ns-3's EnumValue attributes can hold it.
enum GmkTransport : int { kSip, kHttp };

/// The XCAP selector of a group document (24.481 7.2.10.2; byGroupID form).
std::string GroupDocumentSelector(const std::string& group_uri);

struct Gktp {
  std::string id;               ///< the GMK-ID in hex (the meaning of @id is not settled; digest 1.5)
  std::string activation_time;  ///< xs:dateTime, or empty
  crypto::Bytes i_message;
};

std::string BuildGroupDocument(const std::string& group_uri, const std::vector<std::string>& members,
                               const std::vector<Gktp>& gktps);
/// The GKTPs of a group document; nullopt if it is not one.
std::optional<std::vector<Gktp>> ParseGroupDocument(const std::string& xml, std::string* group_uri = nullptr);

std::string BuildXcapDiff(const std::string& xcap_root, const std::string& selector, const std::string& new_etag);
/// The document selector of an xcap-diff body.
std::optional<std::string> ParseXcapDiff(const std::string& xml);

std::string BuildResourceLists(const std::vector<std::string>& entries);
std::string BuildAffiliation(const std::vector<std::string>& groups);
std::vector<std::string> ParseAffiliation(const std::string& xml);

/// The mcpttinfo body of a call's SIP INVITE (TS 24.379 annex F.1; digest 3.1): the session type
/// ("prearranged" for a pre-arranged group call, "private"), the called group or user
/// (mcptt-request-uri), the caller (mcptt-calling-user-id) and the call type. `contentType`
/// elements are written with type="Normal"; XML protection (TS 33.180 9) may encrypt them.
struct McpttInfo {
  std::string session_type;
  std::string request_uri;
  std::string calling_user;
  bool emergency = false;  ///< emergency-ind
  bool broadcast = false;  ///< broadcast-ind
};
std::string BuildMcpttInfo(const McpttInfo& info);
/// nullopt if it is not an mcpttinfo document or an element is of a type we cannot read.
std::optional<McpttInfo> ParseMcpttInfo(const std::string& xml);

/// What a call's INVITE carries (TS 24.379 10.1.1 pre-arranged group call, 11.1.1 private call):
/// the SDP offer (a private call's with the PCK's I_MESSAGE as a=key-mgmt:mikey) and the
/// mcpttinfo.
struct GroupCallOffer {
  codec::McpttSdp sdp;
  McpttInfo info;
};
/// The offer in `invite`, or the reason it has none we can use (a Warning's text): "no_sdp",
/// "bad_sdp", "bad_mcptt_info" (absent, unreadable, neither "prearranged" nor "private", or no
/// group or called user), and with `info_keys` (XML protection, info_protection.h) "info_" and
/// the error of OpenMcpttInfo (e.g. "info_missing_payload" unsigned, "info_signature_invalid").
/// The status and reason phrase refusing an INVITE whose offer ReadGroupCallOffer could not use
/// for `why`: 400 for an unusable mcpttinfo, 403 for a protection failure, 488 for the SDP.
std::pair<int, const char*> OfferRefusal(const std::string& why);
std::variant<GroupCallOffer, std::string> ReadGroupCallOffer(
    const SipMessage& invite, const std::function<const security::xmlsec::SignallingKeys*(uint32_t)>* info_keys = nullptr);

}  // namespace mcx::procedures
