// What the off-network call scenarios count, from the client's and the sidelink's trace sources,
// and the metrics they share in summary.json.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcx::scenarios {

/// What the off-network call scenarios count, from the client's and the sidelink's traces.
struct OffnetCallStats {
  std::map<std::string, std::vector<double>> access_ms;  ///< by floor outcome
  std::map<std::string, std::vector<double>> group_call_setup_ms;  ///< by how the member got in the call
  std::vector<double> mouth_to_ear_ms;
  uint64_t floor_plain_bytes = 0, floor_protected_bytes = 0, floor_messages = 0;
  uint64_t sidelink_packets_sent = 0, sidelink_packets_received = 0, sidelink_bytes_on_air = 0;
  std::map<std::string, uint64_t> errors;
};

/// The metrics the off-network call scenarios share. `receivers` = how many UEs each sidelink
/// packet is meant for (group members - 1; 1 for a private call).
nlohmann::json OffnetCallMetrics(const OffnetCallStats& st, double receivers);

}  // namespace mcx::scenarios
