// Scenario offnet-private-call: two UEs with no network set up private calls over the PC5
// sidelink. Both were provisioned by one KMS beforehand (offline key sets, validated by each UE);
// the caller sends PRIVATE CALL SETUP REQUEST with a fresh PCK in a MIKEY-SAKKE I_MESSAGE
// (TS 24.379 11.2, TS 33.180 5.7), the callee checks it and accepts; the caller then talks with
// floor control and voice protected under the PCK.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcx/scenarios/registry/run_seeds.h"
#include "mcx/scenarios/shared/offnet_call_metrics.h"
#include "mcx/scenarios/shared/sidelink_options.h"

namespace mcx::scenarios {

struct OffnetPrivateCallParams {
  double distance_m = 100;
  uint32_t calls = 20;          ///< one after another
  double call_interval_s = 5;
  double talk_s = 2;            ///< the caller talks this long in each call
  double tfp1_ms = 40;
  uint32_t cfp1 = 3;
  /// A setup request with its I_MESSAGE is about 1.1 kB: 4 TBs of 349 bytes per period carry it
  /// in one period (with the group call's 2 x 193 bytes it takes three, beyond TFP1 x CFP1).
  SidelinkRadioOptions radio = {16, 10, 4};
  double device_factor = 3;     ///< UE crypto speed relative to the reference host
  bool foreign_callee = false;  ///< the callee's key set comes from a KMS the caller's domain does not know
  RunSeeds seeds;
};

struct OffnetPrivateCallResult {
  OffnetPrivateCallParams params;
  std::vector<double> call_setup_ms;
  uint32_t calls_established = 0;
  OffnetCallStats stats;
  double sim_end_s = 0;
};

OffnetPrivateCallResult RunOffnetPrivateCall(const OffnetPrivateCallParams& p);

}  // namespace mcx::scenarios
