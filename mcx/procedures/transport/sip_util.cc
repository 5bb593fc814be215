#include "mcx/procedures/transport/sip_util.h"

#include <cstdlib>

namespace mcx::procedures {

namespace {
std::optional<Endpoint> HostPort(const std::string& s) {
  if (s.empty()) return std::nullopt;
  Endpoint e;
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) {
    e.host = s;
    e.port = 5060;
  } else {
    e.host = s.substr(0, colon);
    e.port = static_cast<uint16_t>(std::strtoul(s.c_str() + colon + 1, nullptr, 10));
  }
  return e;
}
}  // namespace

std::optional<Endpoint> EndpointFromUri(const std::string& uri) {
  std::string s = uri;
  if (s.rfind("sip:", 0) == 0) s = s.substr(4);
  const auto at = s.find('@');
  if (at != std::string::npos) s = s.substr(at + 1);
  const auto semi = s.find(';');
  if (semi != std::string::npos) s = s.substr(0, semi);
  return HostPort(s);
}

std::optional<Endpoint> EndpointFromVia(const std::string& via) {
  auto sp = via.find(' ');
  if (sp == std::string::npos) return std::nullopt;
  std::string s = via.substr(sp + 1);
  const auto semi = s.find(';');
  if (semi != std::string::npos) s = s.substr(0, semi);
  return HostPort(s);
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
