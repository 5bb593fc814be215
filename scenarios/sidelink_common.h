// What the off-network scenarios share: UEs with the PC5 sidelink device and IPv4 over it, group
// traffic (224.0.0.0/4) routed out through the sidelink.
#pragma once

#include <ns3/net-device-container.h>
#include <ns3/node-container.h>

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

}  // namespace mcx::scenarios
