// Scenario sidelink-prr: the PC5 model's isolated-link packet reception ratio versus distance
// (validation step 3 of the PC5 design brief section 15, see docs/sidelink.md) and its one-way latency
// (step 5). One UE sends to a group; receivers sit on circles around it, each circle at one
// distance, each receiver with its own LOS state and shadowing; receivers never transmit, so
// nothing interferes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcx/scenarios/registry/run_seeds.h"
#include "mcx/scenarios/shared/sidelink_options.h"

namespace mcx::scenarios {

struct SidelinkPrrParams {
  std::vector<double> distances_m{10, 25, 50, 75, 100, 150, 200, 250, 300, 350, 400, 450, 500,
                                  600, 700, 800, 900, 1000, 1200, 1500, 2000};
  uint32_t receivers_per_distance = 100;
  uint32_t packets = 50;
  uint32_t packet_bytes = 100;   ///< UDP payload
  SidelinkRadioOptions radio;  ///< MCS 16, 5 PRB, k = 1, 40 ms: NIST's MCPTT example
  RunSeeds seeds;
};

struct SidelinkPrrResult {
  SidelinkPrrParams params;
  std::vector<double> prr;     ///< per distance: packets delivered / (packets sent x receivers)
  std::vector<double> p_sci;   ///< per distance: SCIs known (either copy) / SCIs sent x receivers
  std::vector<double> latency_ms;  ///< one-way MAC-to-MAC delays of delivered packets
  uint32_t packets_sent = 0;
  uint64_t bytes_on_air = 0;   ///< TB copies (4 per TB) and SCI copies
  double sim_end_s = 0;
};

SidelinkPrrResult RunSidelinkPrr(const SidelinkPrrParams& p);

}  // namespace mcx::scenarios
