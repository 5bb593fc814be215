#include "mcx/procedures/transport/sip_util.h"

#include <string_view>

#include "mcx/codec/text_fields.h"

namespace mcx::procedures {

namespace {
// "a.b.c.d" or "a.b.c.d:port" (RFC 3261 25.1 hostport with an IPv4address, the only hosts the
// simulated network has). Anything else is refused rather than read as some other address, and
// a port above 65535 is not wrapped.
std::optional<Endpoint> HostPort(std::string_view s) {
  Endpoint e;
  e.port = 5060;
  const auto colon = s.find(':');
  if (colon != std::string_view::npos) {
    auto port = codec::ParsePort(s.substr(colon + 1));
    if (!port) return std::nullopt;
    e.port = *port;
    s = s.substr(0, colon);
  }
  if (!codec::IsDottedIpv4(s)) return std::nullopt;
  e.host = std::string(s);
  return e;
}
}  // namespace

std::optional<Endpoint> EndpointFromUri(const std::string& uri) {
  std::string_view s = uri;
  if (s.rfind("sip:", 0) != 0) return std::nullopt;
  s.remove_prefix(4);
  s = s.substr(0, s.find_first_of(";?"));  // uri-parameters, headers
  const auto at = s.rfind('@');
  if (at != std::string_view::npos) s.remove_prefix(at + 1);
  return HostPort(s);
}

std::optional<Endpoint> EndpointFromVia(const std::string& via) {
  // RFC 3261 20.42: sent-protocol LWS sent-by *( SEMI via-params ).
  std::string_view s = via;
  const auto sp = s.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  s.remove_prefix(sp + 1);
  return HostPort(s.substr(0, s.find(';')));
}

std::string WarningValue(const std::string& error_name) { return "399 mcx \"" + error_name + "\""; }

SipMessage Refusal(int status, const std::string& reason, const SipMessage& request, const std::string& why,
                   const std::string& to_tag) {
  SipMessage r = SipMessage::Response(status, reason, request, to_tag);
  r.SetHeader("Warning", WarningValue(why));
  return r;
}

std::string WarningOrStatus(const std::string* warning, int status) {
  if (warning) {
    const auto a = warning->find('"'), b = warning->rfind('"');
    if (a != std::string::npos && b > a) return warning->substr(a + 1, b - a - 1);
  }
  return "sip_" + std::to_string(status);
}

}  // namespace mcx::procedures
