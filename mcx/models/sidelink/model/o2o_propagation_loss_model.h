// TR 36.843 outdoor-to-outdoor D2D path loss for the PC5 sidelink.
#pragma once

#include <ns3/propagation-loss-model.h>
#include <ns3/random-variable-stream.h>

#include <map>
#include <utility>

namespace mcx::models {

/// TR 36.843 outdoor-to-outdoor D2D path loss (WINNER+ B1, as psc-ns3's
/// OutdoorToOutdoorPropagationLossModel, which ns-3.37 lacks) with log-normal shadowing; the LOS
/// state and shadowing are drawn once per node pair.
class O2oPropagationLossModel : public ns3::PropagationLossModel {
 public:
  static ns3::TypeId GetTypeId();
  O2oPropagationLossModel();

 private:
  double DoCalcRxPower(double txPowerDbm, ns3::Ptr<ns3::MobilityModel> a,
                       ns3::Ptr<ns3::MobilityModel> b) const override;
  int64_t DoAssignStreams(int64_t stream) override;

  double m_frequencyHz = 793e6;
  bool m_documentedHeights = false;
  double m_shadowingSigmaDb = 0.0;
  ns3::Ptr<ns3::UniformRandomVariable> m_los;
  ns3::Ptr<ns3::NormalRandomVariable> m_shadow;
  struct PairState {
    bool los;
    double shadowDb;
  };
  mutable std::map<std::pair<const void*, const void*>, PairState> m_pairs;
};

}  // namespace mcx::models
