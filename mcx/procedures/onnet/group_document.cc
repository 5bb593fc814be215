#include "mcx/procedures/onnet/group_document.h"

#include "mcx/procedures/onnet/info_protection.h"

#include "mcx/security/xml_doc.h"

namespace mcx::procedures {

namespace {

using security::xml::Document;
using security::xml::ForEachElement;
using security::xml::Node;

const char* kListNs = "urn:oma:xml:poc:list-service";
const char* kGktpNs = "urn:3gpp:ns:mcpttGKTP:1.0";
const char* kXcapDiffNs = "urn:ietf:params:xml:ns:xcap-diff";
const char* kAffNs = "urn:3gpp:ns:affiliationCommand:1.0";
const char* kInfoNs = "urn:3gpp:ns:mcpttInfo:1.0";

std::string Escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      // XML 1.0 2.11, 3.3.3: a parser turns a raw CR into LF and, in an attribute, TAB, LF and
      // CR into spaces; as character references they read back as themselves.
      case '\t': o += "&#9;"; break;
      case '\n': o += "&#10;"; break;
      case '\r': o += "&#13;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace

std::string GroupDocumentSelector(const std::string& group_uri) {
  return "org.openmobilealliance.groups/global/byGroupID/" + group_uri;
}

std::string BuildGroupDocument(const std::string& group_uri, const std::vector<std::string>& members,
                               const std::vector<Gktp>& gktps) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<group xmlns=\"urn:oma:xml:poc:list-service\" xmlns:oxe=\"urn:oma:xml:xdm:extensions\""
      " xmlns:mcpttgi=\"urn:3gpp:ns:mcpttGroupInfo:1.0\" xmlns:mgktp=\"urn:3gpp:ns:mcpttGKTP:1.0\">\n"
      " <list-service uri=\"" + Escape(group_uri) + "\">\n  <display-name xml:lang=\"en-us\">" + Escape(group_uri) +
      "</display-name>\n  <list>\n";
  for (const auto& m : members) x += "   <entry uri=\"" + Escape(m) + "\"/>\n";
  x += "  </list>\n"
       "  <oxe:supported-services><oxe:service enabler=\"urn:urn-7:3gpp-service.ims.icsi.mcptt\"/></oxe:supported-services>\n"
       "  <mcpttgi:protect-media>true</mcpttgi:protect-media>\n"
       "  <mcpttgi:protect-floor-control-signalling>true</mcpttgi:protect-floor-control-signalling>\n";
  if (!gktps.empty()) {
    x += "  <mgktp:GKTPs>\n   <mgktp:GMK-GKTPs>\n";
    for (const auto& g : gktps) {
      x += "    <mgktp:GKTP id=\"" + Escape(g.id) + "\"";
      if (!g.activation_time.empty()) x += " activationtime=\"" + Escape(g.activation_time) + "\"";
      x += ">" + crypto::ToHex(g.i_message) + "</mgktp:GKTP>\n";
    }
    x += "   </mgktp:GMK-GKTPs>\n  </mgktp:GKTPs>\n";
  }
  x += " </list-service>\n</group>\n";
  return x;
}

std::optional<std::vector<Gktp>> ParseGroupDocument(const std::string& xml, std::string* group_uri) {
  auto doc = Document::Parse(xml);
  if (!doc) return std::nullopt;
  Node root = doc->Root();
  if (!root.Is("group", kListNs)) return std::nullopt;
  std::vector<Gktp> out;
  bool bad = false;
  ForEachElement(root, [&](Node n) {
    if (n.Is("list-service", kListNs) && group_uri) *group_uri = n.Attr("uri");
    if (n.Is("GKTP", kGktpNs)) {
      auto bytes = crypto::FromHex(n.Text());
      if (!bytes) bad = true;
      else out.push_back(Gktp{n.Attr("id"), n.Attr("activationtime"), std::move(*bytes)});
    }
    return true;
  });
  if (bad) return std::nullopt;
  return out;
}

std::string BuildXcapDiff(const std::string& xcap_root, const std::string& selector, const std::string& new_etag) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xcap-diff xmlns=\"urn:ietf:params:xml:ns:xcap-diff\" xcap-root=\"" +
         Escape(xcap_root) + "\">\n <document sel=\"" + Escape(selector) + "\" new-etag=\"" + Escape(new_etag) +
         "\"/>\n</xcap-diff>\n";
}

std::optional<std::string> ParseXcapDiff(const std::string& xml) {
  auto doc = Document::Parse(xml);
  if (!doc) return std::nullopt;
  std::optional<std::string> sel;
  ForEachElement(doc->Root(), [&](Node n) {
    if (!sel && n.Is("document", kXcapDiffNs)) sel = n.Attr("sel");
    return true;
  });
  return sel;
}

std::string BuildResourceLists(const std::vector<std::string>& entries) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">\n <list>\n";
  for (const auto& e : entries) x += "  <entry uri=\"" + Escape(e) + "\"/>\n";
  return x + " </list>\n</resource-lists>\n";
}

std::string BuildAffiliation(const std::vector<std::string>& groups) {
  std::string x = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<command-list xmlns=\"") + kAffNs + "\">\n <affiliate>\n";
  for (const auto& g : groups) x += "  <group>" + Escape(g) + "</group>\n";
  return x + " </affiliate>\n</command-list>\n";
}

std::vector<std::string> ParseAffiliation(const std::string& xml) {
  std::vector<std::string> out;
  auto doc = Document::Parse(xml);
  if (!doc) return out;
  ForEachElement(doc->Root(), [&](Node n) {
    if (n.Is("group", kAffNs)) out.push_back(n.Text());
    return true;
  });
  return out;
}

std::string BuildMcpttInfo(const McpttInfo& info) {
  auto content = [](const char* name, const char* type, const std::string& value) {
    return std::string("<") + name + " type=\"Normal\"><" + type + ">" + Escape(value) + "</" + type + "></" + name + ">";
  };
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\">"
                  "<mcptt-Params>";
  if (!info.session_type.empty()) x += "<session-type>" + Escape(info.session_type) + "</session-type>";
  if (!info.request_uri.empty()) x += content("mcptt-request-uri", "mcpttURI", info.request_uri);
  if (!info.calling_user.empty()) x += content("mcptt-calling-user-id", "mcpttURI", info.calling_user);
  if (info.emergency) x += content("emergency-ind", "mcpttBoolean", "true");
  if (info.broadcast) x += "<broadcast-ind>true</broadcast-ind>";
  return x + "</mcptt-Params></mcpttinfo>";
}

std::optional<McpttInfo> ParseMcpttInfo(const std::string& xml) {
  auto doc = Document::Parse(xml);
  if (!doc || !doc->Root().Is("mcpttinfo", kInfoNs)) return std::nullopt;
  Node params = doc->Root().Child("mcptt-Params", kInfoNs);
  if (!params) return std::nullopt;
  McpttInfo info;
  bool readable = true;
  // A contentType element: its value when type="Normal" (an encrypted one is not readable here).
  auto content = [&](const char* name, const char* type) -> std::string {
    Node n = params.Child(name, kInfoNs);
    if (!n) return {};
    const std::string t = n.Attr("type");
    Node v = n.Child(type, kInfoNs);
    if ((!t.empty() && t != "Normal") || !v) {
      readable = false;
      return {};
    }
    return v.Text();
  };
  if (Node n = params.Child("session-type", kInfoNs)) info.session_type = n.Text();
  info.request_uri = content("mcptt-request-uri", "mcpttURI");
  info.calling_user = content("mcptt-calling-user-id", "mcpttURI");
  info.emergency = content("emergency-ind", "mcpttBoolean") == "true";
  if (Node n = params.Child("broadcast-ind", kInfoNs)) info.broadcast = n.Text() == "true";
  if (!readable) return std::nullopt;
  return info;
}

std::pair<int, const char*> OfferRefusal(const std::string& why) {
  if (why == "bad_mcptt_info") return {400, "Bad Request"};
  if (why.rfind("info_", 0) == 0) return {403, "Forbidden"};
  return {488, "Not Acceptable Here"};
}

std::variant<GroupCallOffer, std::string> ReadGroupCallOffer(
    const SipMessage& invite, const std::function<const security::xmlsec::SignallingKeys*(uint32_t)>* info_keys) {
  const auto sdp = invite.Body(kSdpContentType);
  if (!sdp) return std::string("no_sdp");
  auto parsed = codec::McpttSdp::Parse(std::string(sdp->begin(), sdp->end()));
  if (!parsed) return std::string("bad_sdp");
  if (!invite.Body(kMcpttInfoContentType)) return std::string("bad_mcptt_info");
  const auto xml = OpenMcpttInfo(invite, info_keys);  // TS 33.180 9.3: checked and decrypted
  if (!xml) return "info_" + std::string(crypto::ErrorName(xml.error()));
  auto info = ParseMcpttInfo(*xml);
  if (!info || (info->session_type != "prearranged" && info->session_type != "private") || info->request_uri.empty())
    return std::string("bad_mcptt_info");
  return GroupCallOffer{std::move(parsed).value(), std::move(*info)};
}

}  // namespace mcx::procedures
