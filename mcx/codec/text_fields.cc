#include "mcx/codec/text_fields.h"

namespace mcx::codec {

std::optional<uint32_t> ParseDecimal(std::string_view s, size_t max_digits, uint32_t max) {
  if (s.empty() || s.size() > max_digits || max_digits > 10) return std::nullopt;
  uint64_t v = 0;  // ten digits fit
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::optional<uint16_t> ParsePort(std::string_view s) {
  auto v = ParseDecimal(s, 5, 65535);
  if (!v || *v == 0) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

bool IsDottedIpv4(std::string_view s) {
  for (int i = 0; i < 4; ++i) {
    const auto dot = s.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return false;
    if (!ParseDecimal(s.substr(0, dot), 3, 255)) return false;
    s = i < 3 ? s.substr(dot + 1) : std::string_view();
  }
  return true;
}

}  // namespace mcx::codec
