// Small helpers shared by the MCX procedures.
#pragma once

#include <optional>
#include <string>

#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/sip_message.h"

namespace mcx::procedures {

/// "sip:alice@10.0.0.5:5060" or "sip:10.0.0.5:5060" -> 10.0.0.5:5060 (port 5060 if absent);
/// nullopt unless the host is a dotted IPv4 address (octets 0-255) and the port 1-65535.
std::optional<Endpoint> EndpointFromUri(const std::string& uri);
/// The sent-by of a Via value "SIP/2.0/UDP 10.0.0.5:5060;branch=..." (same rules).
std::optional<Endpoint> EndpointFromVia(const std::string& via);
/// The error name carried in a Warning header "399 mcx \"name\"", or the status as text.
std::string WarningOrStatus(const std::string* warning, int status);
std::string WarningValue(const std::string& error_name);
/// A response refusing `request` with a Warning naming why (WarningValue(why)).
SipMessage Refusal(int status, const std::string& reason, const SipMessage& request, const std::string& why,
                   const std::string& to_tag = "");

}  // namespace mcx::procedures
