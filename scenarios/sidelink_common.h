// What the off-network scenarios share: UEs with the PC5 sidelink device and IPv4 over it, group
// traffic (224.0.0.0/4) routed out through the sidelink.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <ns3/net-device-container.h>
#include <ns3/node-container.h>

#include "offnet-apps.h"
#include "sidelink.h"

namespace mcx::scenarios {

struct SidelinkRadioOptions {
  uint32_t mcs = 16;
  uint32_t prbs = 5;
  uint32_t ktrp = 1;
  uint32_t sc_period_ms = 40;
  double shadowing_sigma_db = 0;
  double frequency_hz = 793e6;
  bool documented_heights = false;
  bool cumulative_harq = false;
};

/// Installs an SlNetDevice on every node (one channel, TR 36.843 O2O path loss), IPv4 in
/// 10.0.0.0/16 and a default multicast route over the sidelink; fixes the random streams from `seed`.
ns3::NetDeviceContainer InstallSidelinkIpv4(const ns3::NodeContainer& nodes, const SidelinkRadioOptions& o,
                                            uint64_t seed, ns3::Ptr<models::SlChannel>* channel = nullptr);

/// What the off-network call scenarios count, from the client's and the sidelink's traces.
struct OffnetCallStats {
  std::map<std::string, std::vector<double>> access_ms;  ///< by floor outcome
  std::vector<double> mouth_to_ear_ms;
  uint64_t floor_plain_bytes = 0, floor_protected_bytes = 0, floor_messages = 0;
  uint64_t sidelink_packets_sent = 0, sidelink_packets_received = 0, sidelink_bytes_on_air = 0;
  std::map<std::string, uint64_t> errors;
};

/// Connects `stats` to an OffnetMcpttApp's and its SlNetDevice's trace sources.
void CollectOffnetStats(ns3::Ptr<models::OffnetMcpttApp> app, ns3::Ptr<models::SlNetDevice> device,
                        OffnetCallStats& stats);

}  // namespace mcx::scenarios
