#include "mcx/scenarios/shared/offnet_call_metrics.h"

#include <cmath>

#include "mcx/scenarios/shared/summary.h"

namespace mcx::scenarios {

using nlohmann::json;

json OffnetCallMetrics(const OffnetCallStats& st, double receivers) {
  json outcomes = json::object();
  std::vector<double> access;
  for (const auto& [o, v] : st.access_ms) {
    outcomes[o] = Percentiles(v, 1.0);
    // Access time counts the presses that got the floor (granted by the talker or taken).
    if (o == "granted" || o == "taken") access.insert(access.end(), v.begin(), v.end());
  }
  const double prr = st.sidelink_packets_sent ? st.sidelink_packets_received / (st.sidelink_packets_sent * receivers) : 0.0;
  const uint64_t floorIp = st.floor_protected_bytes + st.floor_messages * 28;  // IPv4 + UDP
  json setup = json::object();
  for (const auto& [how, v] : st.group_call_setup_ms) setup[how] = Percentiles(v, 1.0);
  return {{"group_call_setup_ms", setup},
          {"floor_access_ms", Percentiles(access, 1.0)},
          {"floor_outcomes", outcomes},
          {"mouth_to_ear_ms", Percentiles(st.mouth_to_ear_ms, 1.0)},
          {"floor_control_bytes",
           {{"messages", st.floor_messages}, {"plain", st.floor_plain_bytes}, {"protected", st.floor_protected_bytes},
            {"ip", floorIp},
            // Each floor packet rides in TBs sent 4 times (blind HARQ), plus its 5-byte PDCP header.
            {"on_air_with_harq", 4 * (floorIp + st.floor_messages * 5)}}},
          {"sidelink_prr", Round4(prr)},
          {"sidelink_bytes_on_air", st.sidelink_bytes_on_air},
          {"errors", st.errors}};
}

}  // namespace mcx::scenarios
