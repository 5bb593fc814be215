#include "mcx/scenarios/shared/sidelink_options.h"

#include "mcx/models/sidelink/radio/sl_pool.h"

namespace mcx::scenarios {

std::optional<std::string> CheckRadio(const SidelinkRadioOptions& o) {
  if (auto why = o.Invalid()) return why;
  sidelink::SlCommPool pool = sidelink::SlCommPool::PreconfiguredDefault();
  pool.periodSubframes = o.sc_period_ms;
  if (auto why = pool.Validate()) return "sidelink pool: " + *why;
  return sidelink::SlPoolMap(pool).CheckGrantFit(o.prbs, o.ktrp);
}

ParamList<SidelinkRadioOptions> RadioParamList() {
  using R = SidelinkRadioOptions;
  ParamList<R> l;
  l.Section("PC5 radio")
      .Count("period", &R::sc_period_ms, 40, 320, "ms", "SC period: 40 60 70 80 120 140 160 240 280 320")
      .Sets({"mcx::SlNetDevice::ScPeriod"})
      .Count("mcs", &R::mcs, 0, 20, "", "PSSCH MCS")
      .Sets({"mcx::SlNetDevice::Mcs"})
      .Count("prbs", &R::prbs, 1, 110, "", "PSSCH PRBs per TB, contiguous in the data pool (50 PRBs)")
      .Sets({"mcx::SlNetDevice::PrbCount"})
      .Count("ktrp", &R::ktrp, 1, 8, "", "transport blocks per SC period (k_TRP: 1, 2, 4 or 8)")
      .Sets({"mcx::SlNetDevice::Ktrp"})
      .Real("shadowing", &R::shadowing_sigma_db, 0, 30, "dB", "log-normal shadowing sigma (TR 36.843 O2O)")
      .Sets({"mcx::O2oPropagationLossModel::ShadowingSigma"})
      .Real("frequency", &R::frequency_hz, 1e8, 6e9, "Hz", "carrier frequency of the path loss")
      .Sets({"mcx::O2oPropagationLossModel::Frequency"})
      .Flag("doc-heights", &R::documented_heights, "antenna heights of the brief (0.8/0.8 m) instead of 1.5 m")
      .Sets({"mcx::O2oPropagationLossModel::DocumentedHeights"})
      .Flag("cumulative-harq", &R::cumulative_harq, "one decoding decision on the 4-transmission curve")
      .Sets({"mcx::SlChannel::CumulativeHarq"});
  return l;
}

}  // namespace mcx::scenarios
