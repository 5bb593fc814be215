#include "mcx/models/sidelink/model/o2o_propagation_loss_model.h"

#include "mcx/models/sidelink/radio/sl_radio.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/enum.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/lte-amc.h>
#include <ns3/mobility-model.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/pointer.h>
#include <ns3/simulator.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <cmath>

NS_LOG_COMPONENT_DEFINE("McxO2oPropagationLossModel");

namespace mcx::models {

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(O2oPropagationLossModel);

TypeId O2oPropagationLossModel::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::O2oPropagationLossModel")
          .SetParent<PropagationLossModel>()
          .SetGroupName("Mcx")
          .AddConstructor<O2oPropagationLossModel>()
          .AddAttribute("Frequency", "Carrier frequency (Hz); NLOS B1 exists only for 758-798 MHz and 1.92-2.17 GHz",
                        DoubleValue(793e6), MakeDoubleAccessor(&O2oPropagationLossModel::m_frequencyHz),
                        MakeDoubleChecker<double>(1e8, 6e9))
          .AddAttribute("DocumentedHeights",
                        "Effective heights 0.8/0.8 m as documented for TR 36.843 instead of psc-ns3's code (z-1.0, z-0.7)",
                        BooleanValue(false), MakeBooleanAccessor(&O2oPropagationLossModel::m_documentedHeights),
                        MakeBooleanChecker())
          .AddAttribute("ShadowingSigma", "Log-normal shadowing standard deviation (dB), one draw per node pair; 0 = off",
                        DoubleValue(0.0), MakeDoubleAccessor(&O2oPropagationLossModel::m_shadowingSigmaDb),
                        MakeDoubleChecker<double>(0, 20));
  return tid;
}

O2oPropagationLossModel::O2oPropagationLossModel()
    : m_los(CreateObject<UniformRandomVariable>()), m_shadow(CreateObject<NormalRandomVariable>()) {
  NS_LOG_FUNCTION(this);
}

double O2oPropagationLossModel::DoCalcRxPower(double txPowerDbm, Ptr<MobilityModel> a, Ptr<MobilityModel> b) const {
  const double d = a->GetDistanceFrom(b);
  const void* pa = PeekPointer(a);
  const void* pb = PeekPointer(b);
  const std::pair<const void*, const void*> key = pa < pb ? std::make_pair(pa, pb) : std::make_pair(pb, pa);
  auto it = m_pairs.find(key);
  if (it == m_pairs.end()) {
    PairState s;
    s.los = m_los->GetValue() < sidelink::O2oLosProbability(std::max(d, 1.0));
    s.shadowDb = m_shadowingSigmaDb > 0 ? m_shadow->GetValue(0.0, m_shadowingSigmaDb * m_shadowingSigmaDb) : 0.0;
    it = m_pairs.emplace(key, s).first;
    NS_LOG_DEBUG("new link at " << d << " m: " << (s.los ? "LOS" : "NLOS") << ", shadowing " << s.shadowDb << " dB");
  }
  sidelink::O2oParams p;
  p.frequencyHz = m_frequencyHz;
  p.heights = m_documentedHeights ? sidelink::O2oHeights::Documented : sidelink::O2oHeights::Code;
  const double pl = sidelink::O2oPathLossDb(d, a->GetPosition().z, b->GetPosition().z, it->second.los, p);
  return txPowerDbm - pl - it->second.shadowDb;
}

int64_t O2oPropagationLossModel::DoAssignStreams(int64_t stream) {
  NS_LOG_FUNCTION(this << stream);
  m_los->SetStream(stream);
  m_shadow->SetStream(stream + 1);
  return 2;
}

}  // namespace mcx::models
