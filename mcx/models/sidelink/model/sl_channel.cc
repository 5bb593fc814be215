#include "mcx/models/sidelink/model/sl_channel.h"

#include "mcx/models/sidelink/model/o2o_propagation_loss_model.h"
#include "mcx/models/sidelink/model/sl_net_device.h"

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

NS_LOG_COMPONENT_DEFINE("McxSlChannel");

namespace mcx::models {

using namespace ns3;
using sidelink::SlPoolMap;


NS_OBJECT_ENSURE_REGISTERED(SlChannel);

TypeId SlChannel::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::SlChannel")
          .SetParent<Channel>()
          .SetGroupName("Mcx")
          .AddConstructor<SlChannel>()
          .AddAttribute("PropagationLossModel", "Path loss between UEs (default: O2O TR 36.843)",
                        PointerValue(), MakePointerAccessor(&SlChannel::m_loss),
                        MakePointerChecker<PropagationLossModel>())
          .AddAttribute("TxPower", "UE transmit power (dBm), spread over the RBs used in the subframe",
                        DoubleValue(23.0), MakeDoubleAccessor(&SlChannel::m_txPowerDbm),
                        MakeDoubleChecker<double>())
          .AddAttribute("NoiseFigure", "UE receiver noise figure (dB)", DoubleValue(9.0),
                        MakeDoubleAccessor(&SlChannel::m_noiseFigureDb), MakeDoubleChecker<double>())
          .AddAttribute("SimoGain", "Receive (SIMO) gain added to the SINR before the BLER lookup (dB)",
                        DoubleValue(4.0), MakeDoubleAccessor(&SlChannel::m_simoGainDb), MakeDoubleChecker<double>())
          .AddAttribute("DropRbOnCollision", "Lose every TB that shares a RB with another TB in its subframe",
                        BooleanValue(false), MakeBooleanAccessor(&SlChannel::m_dropRbOnCollision),
                        MakeBooleanChecker())
          .AddAttribute("CumulativeHarq",
                        "One decision after the 4th copy on the tx-4 curve instead of psc-ns3's draw at every copy",
                        BooleanValue(false), MakeBooleanAccessor(&SlChannel::m_cumulativeHarq),
                        MakeBooleanChecker())
          .AddTraceSource("Collision", "Two SCIs on one PSCCH resource (0) or two TBs sharing a RB (1), per subframe",
                          MakeTraceSourceAccessor(&SlChannel::m_collisionTrace),
                          "mcx::SlChannel::CollisionCallback");
  return tid;
}

SlChannel::SlChannel() : m_decode(CreateObject<UniformRandomVariable>()) {}

void SlChannel::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_tick.Cancel();
  m_devices.clear();
  m_loss = nullptr;
  m_air.clear();
  Channel::DoDispose();
}

void SlChannel::Add(Ptr<SlNetDevice> device) {
  NS_LOG_FUNCTION(this << device);
  m_devices.push_back(device);
  if (!m_loss) m_loss = CreateObject<O2oPropagationLossModel>();
  if (!m_tick.IsRunning()) {
    // The common subframe clock starts at the next whole millisecond.
    m_subframe = static_cast<uint32_t>(std::ceil(Simulator::Now().GetSeconds() * 1000.0));
    m_tick = Simulator::Schedule(MilliSeconds(m_subframe) - Simulator::Now(), &SlChannel::Tick, this);
    NS_LOG_INFO("sidelink subframe clock starts at subframe " << m_subframe);
  }
}

Ptr<NetDevice> SlChannel::GetDevice(std::size_t i) const { return m_devices.at(i); }

SlNetDevice* SlChannel::FindByIpv4(uint32_t address) const {
  for (const auto& d : m_devices) {
    Ptr<Ipv4> ip = d->GetNode() ? d->GetNode()->GetObject<Ipv4>() : nullptr;
    if (!ip) continue;
    const int32_t iface = ip->GetInterfaceForAddress(Ipv4Address(address));
    if (iface >= 0 && ip->GetNetDevice(iface) == d) return PeekPointer(d);
  }
  return nullptr;
}

int64_t SlChannel::AssignStreams(int64_t stream) {
  NS_LOG_FUNCTION(this << stream);
  m_decode->SetStream(stream);
  int64_t used = 1;
  if (m_loss) used += m_loss->AssignStreams(stream + used);
  return used;
}

double SlChannel::LossDb(SlNetDevice* tx, SlNetDevice* rx) {
  auto a = tx->GetNode()->GetObject<MobilityModel>(), b = rx->GetNode()->GetObject<MobilityModel>();
  NS_ASSERT_MSG(a && b, "sidelink UEs need a MobilityModel");
  return -m_loss->CalcRxPower(0.0, a, b);
}

int64_t SlChannel::NodeId(const SlNetDevice* device) {
  return device && device->GetNode() ? static_cast<int64_t>(device->GetNode()->GetId()) : -1;
}

// One subframe: evaluate what was sent in the previous one (delivery at its end), then let every
// device act in the new one (grant decisions, SCI and TB transmissions).
void SlChannel::Tick() {
  if (!m_air.empty()) Evaluate(m_subframe - 1);
  m_air.clear();
  for (const auto& d : m_devices) d->StartSubframe(m_subframe);
  ++m_subframe;
  m_tick = Simulator::Schedule(MilliSeconds(1), &SlChannel::Tick, this);
}

void SlChannel::Evaluate(uint32_t subframe) {
  const auto& errors = sidelink::NistErrorModel::Instance();
  const sidelink::SlRadioParams radio{m_txPowerDbm, m_noiseFigureDb, m_simoGainDb};
  std::vector<sidelink::SlAirTx> air;
  std::map<const SlNetDevice*, uint32_t> index;
  std::map<uint32_t, uint32_t> rbsPerNode;
  for (const auto& t : m_air) {
    const uint32_t node = index.emplace(t.device, static_cast<uint32_t>(index.size())).first->second;
    air.push_back({node, t.rbStart, t.rbLen});
    rbsPerNode[node] += t.rbLen;
  }
  std::vector<SlNetDevice*> byIndex(index.size());
  for (const auto& [dev, i] : index) byIndex[i] = const_cast<SlNetDevice*>(dev);

  // Collisions: two SCIs on one PSCCH resource, two TBs sharing a RB.
  std::map<uint32_t, uint32_t> pscchUse, psschUse;
  for (const auto& t : m_air)
    for (uint32_t rb = t.rbStart; rb < t.rbStart + t.rbLen; ++rb) ++(t.kind == TxKind::Pscch ? pscchUse : psschUse)[rb];
  for (const auto& [rb, n] : pscchUse)
    if (n > 1) {
      NS_LOG_INFO("subframe " << subframe << ": " << n << " SCIs collide on PSCCH PRB " << rb);
      m_collisionTrace(0, subframe);
    }
  std::set<size_t> psschCollided;
  bool psschCollision = false;
  for (size_t i = 0; i < m_air.size(); ++i)
    if (m_air[i].kind == TxKind::Pssch)
      for (uint32_t rb = m_air[i].rbStart; rb < m_air[i].rbStart + m_air[i].rbLen; ++rb)
        if (psschUse[rb] > 1) psschCollided.insert(i), psschCollision = true;
  if (psschCollision) {
    NS_LOG_INFO("subframe " << subframe << ": " << psschCollided.size() << " TBs share PSSCH PRBs");
    m_collisionTrace(1, subframe);
  }

  // PSCCH copies of this subframe; each receiver decodes them strongest first.
  std::vector<size_t> sci;
  for (size_t i = 0; i < m_air.size(); ++i)
    if (m_air[i].kind == TxKind::Pscch) sci.push_back(i);

  NS_LOG_LOGIC("subframe " << subframe << ": " << m_air.size() << " transmissions (" << sci.size() << " SCIs) from "
                           << index.size() << " UEs");
  for (const auto& rxPtr : m_devices) {
    SlNetDevice* rx = PeekPointer(rxPtr);
    if (rx->TransmitsIn(subframe)) {  // half duplex
      NS_LOG_LOGIC("subframe " << subframe << ": node " << NodeId(rx) << " transmits, so hears nothing");
      continue;
    }
    auto rbs = [&](uint32_t n) { return rbsPerNode[n]; };
    auto loss = [&](uint32_t txNode, uint32_t) { return LossDb(byIndex[txNode], rx); };
    // The receiver is not among the transmitters (half duplex), so no index is its own.
    const auto sinr = sidelink::SubframeSinrDb(air, static_cast<uint32_t>(-1), loss, radio, rbs);

    // PSCCH: strongest copy first, at most one SCI per RB.
    std::sort(sci.begin(), sci.end(), [&](size_t a, size_t b) { return sinr[a] > sinr[b]; });
    std::set<uint32_t> rbTaken;
    auto& known = m_knownGrants[rx];
    for (size_t i : sci) {
      const AirTx& t = m_air[i];
      if (rbTaken.count(t.rbStart)) {
        NS_LOG_LOGIC("subframe " << subframe << ": node " << NodeId(rx) << " already decoded an SCI on PRB "
                                 << t.rbStart << "; the one of node " << NodeId(t.device) << " is lost");
        continue;
      }
      NS_LOG_LOGIC("subframe " << subframe << ": node " << NodeId(rx) << " <- node " << NodeId(t.device)
                               << " SCI: SINR " << sinr[i] << " dB, BLER " << errors.PscchBler(sinr[i]));
      const bool ok = m_decode->GetValue() > errors.PscchBler(sinr[i]);
      if (ok) {
        rbTaken.insert(t.rbStart);
        known.insert(t.grant->id);
      }
      rx->NotifyPscch(*t.grant, ok, sinr[i]);
    }
    // PSSCH: only TBs announced by a decoded SCI of this period.
    for (size_t i = 0; i < m_air.size(); ++i) {
      const AirTx& t = m_air[i];
      if (t.kind != TxKind::Pssch) continue;
      if (!known.count(t.grant->id)) {
        NS_LOG_LOGIC("subframe " << subframe << ": node " << NodeId(rx) << " misses TB " << t.tbIndex << " HARQ "
                                 << t.harq << " of node " << NodeId(t.device) << ": its SCI was not decoded");
        continue;
      }
      const auto key = std::make_tuple(t.grant->id, static_cast<const SlNetDevice*>(rx), t.tbIndex);
      if (m_decoded.count(key)) continue;
      sidelink::SlHarqState& h = m_harq[key];
      double bler = errors.PsschBler(t.grant->mcs, sinr[i], h);
      if (m_cumulativeHarq) bler = t.harq < sidelink::kHarqTransmissions ? 1.0 : errors.Pssch(t.grant->mcs, 4).Bler(h.effSinrDb);
      if (m_dropRbOnCollision && psschCollided.count(i)) bler = 1.0;
      NS_LOG_LOGIC("subframe " << subframe << ": node " << NodeId(rx) << " <- node " << NodeId(t.device) << " TB "
                               << t.tbIndex << " HARQ " << t.harq << ": SINR " << sinr[i] << " dB, effective "
                               << h.effSinrDb << " dB, BLER " << bler);
      const bool ok = m_decode->GetValue() > bler;
      rx->NotifyPssch(*t.grant, t.harq, ok, sinr[i]);
      if (!ok) continue;
      m_decoded.insert(key);
      rx->ReceiveTb(*t.grant, *t.grant->tbs[t.tbIndex]);
    }
  }
  // A grant is valid for exactly one period: forget its SCI and HARQ state once that is over.
  for (const auto& t : m_air) m_grantEnd.emplace(t.grant->id, t.grant->periodStart + t.grant->periodLength);
  for (auto it = m_grantEnd.begin(); it != m_grantEnd.end();) {
    if (it->second > subframe) { ++it; continue; }
    const uint64_t id = it->first;
    m_harq.erase(m_harq.lower_bound({id, nullptr, 0}), m_harq.lower_bound({id + 1, nullptr, 0}));
    m_decoded.erase(m_decoded.lower_bound({id, nullptr, 0}), m_decoded.lower_bound({id + 1, nullptr, 0}));
    for (auto& [dev, ids] : m_knownGrants) ids.erase(id);
    it = m_grantEnd.erase(it);
  }
}

}  // namespace mcx::models
