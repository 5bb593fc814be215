// Fields of the text formats (SIP, SDP): decimal numbers and dotted IPv4 addresses, read
// strictly so that what is taken is what is meant (no sign, no wrap, no leading text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mcx::codec {

/// A decimal number of 1 to `max_digits` (at most 10) digits ('0'-'9' only), at most `max`.
std::optional<uint32_t> ParseDecimal(std::string_view s, size_t max_digits, uint32_t max);
/// A port 1-65535 (RFC 3261 25.1, RFC 4566 m=): no sign, at most five digits.
std::optional<uint16_t> ParsePort(std::string_view s);
/// "a.b.c.d": four octets 0-255 of one to three digits (RFC 3261 25.1 IPv4address, RFC 4566
/// unicast-address for IP4). The simulated networks have no other host names; ns-3's
/// Ipv4Address would read "10.0.0.999" as 10.0.0.231.
bool IsDottedIpv4(std::string_view s);

}  // namespace mcx::codec
