// The PC5 radio settings the sidelink scenarios take, without ns-3 (their parameter structs hold
// them), and their declaration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mcx/scenarios/registry/params.h"

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

  /// Empty when the settings are ones the model supports; otherwise what is wrong.
  std::optional<std::string> Invalid() const {
    if (mcs > 20) return "PSSCH MCS is 0..20";
    if (ktrp != 1 && ktrp != 2 && ktrp != 4 && ktrp != 8) return "k_TRP is 1, 2, 4 or 8";
    if (prbs == 0) return "PSSCH PRBs are at least 1";
    for (uint32_t p : {40u, 60u, 70u, 80u, 120u, 140u, 160u, 240u, 280u, 320u})
      if (sc_period_ms == p) return std::nullopt;
    return "the SC period is one of 40 60 70 80 120 140 160 240 280 320 ms";
  }
};

/// Empty when the PC5 device can run these settings; otherwise why not, in one line. Beyond
/// Invalid(), the pool the scenarios build (the pre-configured one with this SC period, as
/// InstallSidelinkIpv4 sets it) must be valid and a grant of `prbs` PRBs and `ktrp` TBs must fit
/// it (sidelink::SlPoolMap::CheckGrantFit), so every scenario's check rejects what the device
/// would abort on, before anything is built.
std::optional<std::string> CheckRadio(const SidelinkRadioOptions& o);

/// The PC5 radio's parameters, declared once for every sidelink scenario.
ParamList<SidelinkRadioOptions> RadioParamList();


}  // namespace mcx::scenarios
