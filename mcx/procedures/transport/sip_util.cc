#include "mcx/procedures/transport/sip_util.h"

#include <cstdint>
#include <string_view>

namespace mcx::procedures {

namespace {
// A decimal number of 1 to `max_digits` digits, at most `max`.
std::optional<uint32_t> Decimal(std::string_view s, size_t max_digits, uint32_t max) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

// "a.b.c.d" or "a.b.c.d:port" (RFC 3261 25.1 hostport with an IPv4address, the only hosts the
// simulated network has). Anything else is refused rather than read as some other address: ns-3's
// Ipv4Address reads "10.0.0.999" as 10.0.0.231, and a port above 65535 would wrap.
std::optional<Endpoint> HostPort(std::string_view s) {
  Endpoint e;
  e.port = 5060;
  const auto colon = s.find(':');
  if (colon != std::string_view::npos) {
    auto port = Decimal(s.substr(colon + 1), 5, 65535);
    if (!port || *port == 0) return std::nullopt;
    e.port = static_cast<uint16_t>(*port);
    s = s.substr(0, colon);
  }
  std::string_view rest = s;
  for (int i = 0; i < 4; ++i) {
    const auto dot = rest.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return std::nullopt;
    if (!Decimal(rest.substr(0, dot), 3, 255)) return std::nullopt;
    rest = i < 3 ? rest.substr(dot + 1) : std::string_view();
  }
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

std::string WarningOrStatus(const std::string* warning, int status) {
  if (warning) {
    const auto a = warning->find('"'), b = warning->rfind('"');
    if (a != std::string::npos && b > a) return warning->substr(a + 1, b - a - 1);
  }
  return "sip_" + std::to_string(status);
}

}  // namespace mcx::procedures
