#include "sidelink.h"

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

NS_LOG_COMPONENT_DEFINE("McxSidelink");

namespace mcx::models {

using namespace ns3;
using sidelink::SlPoolMap;

// ---------------------------------------------------------------------------------------------
// O2oPropagationLossModel

NS_OBJECT_ENSURE_REGISTERED(O2oPropagationLossModel);

TypeId O2oPropagationLossModel::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::O2oPropagationLossModel")
          .SetParent<PropagationLossModel>()
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
    : m_los(CreateObject<UniformRandomVariable>()), m_shadow(CreateObject<NormalRandomVariable>()) {}

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
  }
  sidelink::O2oParams p;
  p.frequencyHz = m_frequencyHz;
  p.heights = m_documentedHeights ? sidelink::O2oHeights::Documented : sidelink::O2oHeights::Code;
  const double pl = sidelink::O2oPathLossDb(d, a->GetPosition().z, b->GetPosition().z, it->second.los, p);
  return txPowerDbm - pl - it->second.shadowDb;
}

int64_t O2oPropagationLossModel::DoAssignStreams(int64_t stream) {
  m_los->SetStream(stream);
  m_shadow->SetStream(stream + 1);
  return 2;
}

// ---------------------------------------------------------------------------------------------
// SlChannel

NS_OBJECT_ENSURE_REGISTERED(SlChannel);

TypeId SlChannel::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::SlChannel")
          .SetParent<Channel>()
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
                          "mcx::SlChannel::CollisionTracedCallback");
  return tid;
}

SlChannel::SlChannel() : m_decode(CreateObject<UniformRandomVariable>()) {}

void SlChannel::DoDispose() {
  m_tick.Cancel();
  m_devices.clear();
  m_loss = nullptr;
  m_air.clear();
  Channel::DoDispose();
}

void SlChannel::Add(Ptr<SlNetDevice> device) {
  m_devices.push_back(device);
  if (!m_loss) m_loss = CreateObject<O2oPropagationLossModel>();
  if (!m_tick.IsRunning()) {
    // The common subframe clock starts at the next whole millisecond.
    m_subframe = static_cast<uint32_t>(std::ceil(Simulator::Now().GetSeconds() * 1000.0));
    m_tick = Simulator::Schedule(MilliSeconds(m_subframe) - Simulator::Now(), &SlChannel::Tick, this);
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
    if (n > 1) m_collisionTrace(0, subframe);
  std::set<size_t> psschCollided;
  bool psschCollision = false;
  for (size_t i = 0; i < m_air.size(); ++i)
    if (m_air[i].kind == TxKind::Pssch)
      for (uint32_t rb = m_air[i].rbStart; rb < m_air[i].rbStart + m_air[i].rbLen; ++rb)
        if (psschUse[rb] > 1) psschCollided.insert(i), psschCollision = true;
  if (psschCollision) m_collisionTrace(1, subframe);

  // PSCCH copies of this subframe; each receiver decodes them strongest first.
  std::vector<size_t> sci;
  for (size_t i = 0; i < m_air.size(); ++i)
    if (m_air[i].kind == TxKind::Pscch) sci.push_back(i);

  for (const auto& rxPtr : m_devices) {
    SlNetDevice* rx = PeekPointer(rxPtr);
    if (rx->TransmitsIn(subframe)) continue;  // half duplex
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
      if (rbTaken.count(t.rbStart)) continue;
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
      if (t.kind != TxKind::Pssch || !known.count(t.grant->id)) continue;
      const auto key = std::make_tuple(t.grant->id, static_cast<const SlNetDevice*>(rx), t.tbIndex);
      if (m_decoded.count(key)) continue;
      sidelink::SlHarqState& h = m_harq[key];
      double bler = errors.PsschBler(t.grant->mcs, sinr[i], h);
      if (m_cumulativeHarq) bler = t.harq < sidelink::kHarqTransmissions ? 1.0 : errors.Pssch(t.grant->mcs, 4).Bler(h.effSinrDb);
      if (m_dropRbOnCollision && psschCollided.count(i)) bler = 1.0;
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

// ---------------------------------------------------------------------------------------------
// SlNetDevice

NS_OBJECT_ENSURE_REGISTERED(SlNetDevice);

TypeId SlNetDevice::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::SlNetDevice")
          .SetParent<NetDevice>()
          .AddConstructor<SlNetDevice>()
          .AddAttribute("ScPeriod", "Sidelink control period (ms): 40, 60, 70, 80, 120, 140, 160, 240, 280 or 320",
                        UintegerValue(40), MakeUintegerAccessor(&SlNetDevice::m_periodMs),
                        MakeUintegerChecker<uint32_t>(40, 320))
          .AddAttribute("Ktrp", "Ones in the T-RPT (1, 2, 4 or 8): TBs per period", UintegerValue(1),
                        MakeUintegerAccessor(&SlNetDevice::m_ktrp), MakeUintegerChecker<uint32_t>(1, 8))
          .AddAttribute("Mcs", "PSSCH MCS (0..20)", UintegerValue(16), MakeUintegerAccessor(&SlNetDevice::m_mcs),
                        MakeUintegerChecker<uint32_t>(0, 20))
          .AddAttribute("PrbCount", "PSSCH PRBs per TB", UintegerValue(5),
                        MakeUintegerAccessor(&SlNetDevice::m_rbLen), MakeUintegerChecker<uint32_t>(1, 50))
          .AddAttribute("GrantLead", "How long before the period start the MAC fixes its grant (ms)", UintegerValue(4),
                        MakeUintegerAccessor(&SlNetDevice::m_grantLeadMs), MakeUintegerChecker<uint32_t>(0, 39))
          .AddAttribute("PdcpHeader", "SL PDCP header bytes per IP packet", UintegerValue(5),
                        MakeUintegerAccessor(&SlNetDevice::m_pdcpHeaderBytes), MakeUintegerChecker<uint32_t>())
          .AddAttribute("RlcHeader", "RLC UM header bytes per TB", UintegerValue(2),
                        MakeUintegerAccessor(&SlNetDevice::m_rlcHeaderBytes), MakeUintegerChecker<uint32_t>())
          .AddAttribute("MacHeader", "SL-SCH MAC header bytes per TB (TS 36.321 6.2.4; psc-ns3 models none)",
                        UintegerValue(0), MakeUintegerAccessor(&SlNetDevice::m_macHeaderBytes),
                        MakeUintegerChecker<uint32_t>())
          .AddAttribute("MaxQueueBytes", "RLC buffer; packets beyond it are dropped", UintegerValue(64000),
                        MakeUintegerAccessor(&SlNetDevice::m_maxQueueBytes), MakeUintegerChecker<uint32_t>())
          .AddTraceSource("MacTx", "An IP packet was queued for the sidelink",
                          MakeTraceSourceAccessor(&SlNetDevice::m_macTxTrace), "ns3::Packet::TracedCallback")
          .AddTraceSource("MacRx", "An IP packet was reassembled and passed up, with its one-way delay",
                          MakeTraceSourceAccessor(&SlNetDevice::m_macRxTrace), "mcx::SlNetDevice::RxTracedCallback")
          .AddTraceSource("PhyTx", "Bytes put on air: a TB copy (harq 1..4) or an SCI copy (harq 0)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_phyTxTrace), "mcx::SlNetDevice::PhyTxTracedCallback")
          .AddTraceSource("PscchRx", "An SCI copy was received (source, decoded, SINR dB)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_pscchRxTrace), "mcx::SlNetDevice::PscchTracedCallback")
          .AddTraceSource("PsschRx", "A TB copy was received (source, harq, decoded, SINR dB)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_psschRxTrace), "mcx::SlNetDevice::PsschTracedCallback")
          .AddTraceSource("Grant", "A mode-2 grant was chosen (period start subframe, n_PSCCH, I_TRP, rbStart)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_grantTrace), "mcx::SlNetDevice::GrantTracedCallback")
          .AddTraceSource("Drop", "A packet was dropped (reason)", MakeTraceSourceAccessor(&SlNetDevice::m_dropTrace),
                          "mcx::SlNetDevice::DropTracedCallback");
  return tid;
}

SlNetDevice::SlNetDevice() : m_rng(CreateObject<UniformRandomVariable>()) {
  m_poolMap = std::make_unique<SlPoolMap>(sidelink::SlCommPool::PreconfiguredDefault());
}

void SlNetDevice::DoDispose() {
  m_channel = nullptr;
  m_node = nullptr;
  m_queue.clear();
  m_grants.clear();
  m_amc = nullptr;
  m_rx = MakeNullCallback<bool, Ptr<NetDevice>, Ptr<const Packet>, uint16_t, const Address&>();
  NetDevice::DoDispose();
}

void SlNetDevice::SetChannel(Ptr<SlChannel> channel) {
  m_channel = channel;
  channel->Add(this);
}

Ptr<Channel> SlNetDevice::GetChannel() const { return m_channel; }

void SlNetDevice::SetPool(const sidelink::SlCommPool& pool) {
  if (auto why = pool.Validate()) NS_FATAL_ERROR("sidelink pool: " << *why);
  m_poolMap = std::make_unique<SlPoolMap>(pool);
  m_periodMs = pool.periodSubframes;
}

int64_t SlNetDevice::AssignStreams(int64_t stream) {
  m_rng->SetStream(stream);
  return 1;
}

std::size_t SlNetDevice::QueuedBytes() const {
  std::size_t n = 0;
  for (const auto& p : m_queue) n += p.sduBytes - p.sent;
  return n;
}

Address SlNetDevice::GetMulticast(Ipv4Address group) const { return Mac48Address::GetMulticast(group); }
Address SlNetDevice::GetMulticast(Ipv6Address group) const { return Mac48Address::GetMulticast(group); }

bool SlNetDevice::SendFrom(Ptr<Packet>, const Address&, const Address&, uint16_t) { return false; }

bool SlNetDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocol) {
  Mac48Address to = Mac48Address::ConvertFrom(dest);
  // ProSe one-to-one communication knows its peer's layer-2 ID from PC5 signalling; IP over this
  // device does not run ARP, so an IPv4 unicast destination is resolved to the peer's address here.
  if (to.IsBroadcast() && protocol == 0x0800 && m_channel) {
    Ipv4Header ip;
    packet->PeekHeader(ip);
    const Ipv4Address d = ip.GetDestination();
    bool directed = false;
    if (Ptr<Ipv4> ipv4 = m_node ? m_node->GetObject<Ipv4>() : nullptr) {
      const int32_t iface = ipv4->GetInterfaceForDevice(this);
      for (uint32_t a = 0; iface >= 0 && a < ipv4->GetNAddresses(iface); ++a)
        directed |= d.IsSubnetDirectedBroadcast(ipv4->GetAddress(iface, a).GetMask());
    }
    if (!d.IsBroadcast() && !d.IsMulticast() && !directed) {
      SlNetDevice* peer = m_channel->FindByIpv4(d.Get());
      if (!peer) {
        m_dropTrace(packet, "no-peer");
        return false;
      }
      to = Mac48Address::ConvertFrom(peer->GetAddress());
    }
  }
  const uint32_t sduBytes = packet->GetSize() + m_pdcpHeaderBytes;
  if (QueuedBytes() + sduBytes > m_maxQueueBytes) {
    m_dropTrace(packet, "queue-full");
    return false;
  }
  m_queue.push_back({m_nextSduId++, packet, to, protocol, sduBytes, 0, Simulator::Now()});
  m_macTxTrace(packet);
  return true;
}

void SlNetDevice::StartSubframe(uint32_t subframe) {
  m_txSubframes.erase(m_txSubframes.begin(), m_txSubframes.lower_bound(subframe));
  // TS 36.321 5.14.1.1 (mode 2): the grant for a period is fixed GrantLead subframes before it,
  // for data already buffered.
  const uint32_t decide = subframe + m_grantLeadMs;
  const uint32_t inCycle = decide % sidelink::kSfnCycleSubframes;
  if (m_poolMap->NextPeriodStartAbsolute(inCycle) == inCycle && !m_queue.empty()) MakeGrant(decide);
  for (auto it = m_grants.begin(); it != m_grants.end();) {
    if (subframe >= (*it)->periodStart + (*it)->periodLength) it = m_grants.erase(it);
    else TransmitGrant(*it++, subframe);
  }
}

void SlNetDevice::TransmitGrant(const std::shared_ptr<SlGrant>& grant, uint32_t subframe) {
  if (subframe < grant->periodStart) return;
  const uint32_t rel = subframe - grant->periodStart;
  // SCI format 0: two copies on one PRB each.
  for (const auto& r : grant->pscch)
    if (r.subframe == rel) {
      m_channel->Transmit({this, SlChannel::TxKind::Pscch, r.prb, 1, grant, 0, 0});
      m_txSubframes.insert(subframe);
      m_phyTxTrace(6, 0);  // SCI format 0: 43 bits, carried as 6 bytes
    }
  // PSSCH: every 4 selected subframes carry one TB, RV 0, 2, 3, 1.
  const auto& sfs = grant->psschSubframes;
  for (size_t i = 0; i < sfs.size(); ++i) {
    if (sfs[i] != subframe) continue;
    const uint32_t tbIndex = static_cast<uint32_t>(i / sidelink::kHarqTransmissions);
    const uint32_t harq = static_cast<uint32_t>(i % sidelink::kHarqTransmissions) + 1;
    auto& tb = grant->tbs[tbIndex];
    if (harq == 1) FillTb(*grant, *tb);  // RLC is asked for a PDU when the TB starts
    if (tb->segments.empty()) continue;
    m_channel->Transmit({this, SlChannel::TxKind::Pssch, grant->rbStart, grant->rbLen, grant, tbIndex, harq});
    m_txSubframes.insert(subframe);
    m_phyTxTrace(tb->tbsBytes, harq);
  }
}

void SlNetDevice::MakeGrant(uint32_t periodStart) {
  static uint64_t nextGrantId = 1;
  auto g = std::make_shared<SlGrant>();
  g->id = nextGrantId++;
  g->periodStart = periodStart;
  g->periodLength = m_poolMap->Pool().periodSubframes;
  g->source = m_address;
  g->destination = m_queue.front().destination;  // one destination per period
  g->mcs = m_mcs;
  g->rbLen = m_rbLen;
  const auto pick = [this](uint32_t n) { return static_cast<uint32_t>(m_rng->GetInteger(0, n - 1)); };
  g->nPscch = pick(m_poolMap->NumPscchResources());
  g->pscch = m_poolMap->PscchTransmissions(g->nPscch);
  const auto [lo, hi] = sidelink::TrpRange(m_ktrp);
  NS_ABORT_MSG_IF(lo > hi, "Ktrp must be 1, 2, 4 or 8");
  g->iTrp = lo + pick(hi - lo + 1);
  const auto starts = m_poolMap->PsschRbStarts(m_rbLen);
  NS_ABORT_MSG_IF(starts.empty(), "PrbCount does not fit the data pool");
  g->rbStart = starts[pick(static_cast<uint32_t>(starts.size()))];
  for (uint32_t rel : m_poolMap->PsschTransmissions(g->iTrp)) g->psschSubframes.push_back(periodStart + rel);
  // TBS from ns-3's own LteAmc (TS 36.213 Table 7.1.7.2.1-1, identical to psc-ns3).
  if (!m_amc) m_amc = CreateObject<LteAmc>();
  const uint32_t tbsBytes = static_cast<uint32_t>(m_amc->GetUlTbSizeFromMcs(static_cast<int>(m_mcs), static_cast<int>(m_rbLen))) / 8;
  for (size_t i = 0; i < g->psschSubframes.size() / sidelink::kHarqTransmissions; ++i) {
    auto tb = std::make_shared<SlTransportBlock>();
    tb->tbsBytes = tbsBytes;
    g->tbs.push_back(tb);
  }
  m_grants.push_back(g);
  m_grantTrace(periodStart, g->nPscch, g->iTrp, g->rbStart);
}

void SlNetDevice::FillTb(const SlGrant& grant, SlTransportBlock& tb) {
  const uint32_t overhead = m_rlcHeaderBytes + m_macHeaderBytes;
  uint32_t room = tb.tbsBytes > overhead ? tb.tbsBytes - overhead : 0;
  for (auto it = m_queue.begin(); it != m_queue.end() && room > 0;) {
    if (it->destination != grant.destination) {
      ++it;
      continue;
    }
    const uint32_t n = std::min(room, it->sduBytes - it->sent);
    tb.segments.push_back({it->sduId, it->sent, n, it->sduBytes, it->packet, it->protocol, it->enqueued});
    it->sent += n;
    room -= n;
    if (it->sent == it->sduBytes) it = m_queue.erase(it);
    else ++it;
  }
}

void SlNetDevice::NotifyPscch(const SlGrant& grant, bool decoded, double sinrDb) {
  m_pscchRxTrace(grant.source, decoded, sinrDb);
}

void SlNetDevice::NotifyPssch(const SlGrant& grant, uint32_t harq, bool decoded, double sinrDb) {
  m_psschRxTrace(grant.source, harq, decoded, sinrDb);
}

void SlNetDevice::ReceiveTb(const SlGrant& grant, const SlTransportBlock& tb) {
  PacketType type;
  if (grant.destination == m_address) type = PACKET_HOST;
  else if (grant.destination.IsBroadcast()) type = PACKET_BROADCAST;
  else if (grant.destination.IsGroup()) type = PACKET_MULTICAST;
  else type = PACKET_OTHERHOST;
  // RLC UM reassembly: segments of one source arrive in order; a gap loses the SDU.
  auto& [sduId, have] = m_reassembly[grant.source];
  for (const SlSegment& s : tb.segments) {
    if (s.sduId != sduId) {
      if (s.offset != 0) continue;  // the start of this SDU was lost
      sduId = s.sduId;
      have = 0;
    }
    if (s.offset != have) continue;
    have += s.length;
    if (have < s.sduBytes) continue;
    const Ptr<Packet> copy = s.packet->Copy();
    if (m_promiscRx.IsNull() && type == PACKET_OTHERHOST) continue;
    if (!m_promiscRx.IsNull()) m_promiscRx(this, copy, s.protocol, grant.source, grant.destination, type);
    if (type == PACKET_OTHERHOST) continue;
    m_macRxTrace(copy, Simulator::Now() - s.enqueued);
    if (!m_rx.IsNull()) m_rx(this, copy, s.protocol, grant.source);
  }
}

}  // namespace mcx::models

namespace mcx::models {

SlHelper::SlHelper() {
  m_device.SetTypeId(SlNetDevice::GetTypeId());
  m_channelFactory.SetTypeId(SlChannel::GetTypeId());
}

void SlHelper::SetDeviceAttribute(const std::string& name, const ns3::AttributeValue& value) {
  m_device.Set(name, value);
}

void SlHelper::SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value) {
  m_channelFactory.Set(name, value);
}

ns3::Ptr<SlChannel> SlHelper::Channel() {
  if (!m_channel) m_channel = m_channelFactory.Create<SlChannel>();
  return m_channel;
}

ns3::NetDeviceContainer SlHelper::Install(const ns3::NodeContainer& nodes) {
  ns3::NetDeviceContainer devices;
  for (auto it = nodes.Begin(); it != nodes.End(); ++it) {
    auto dev = m_device.Create<SlNetDevice>();
    dev->SetAddress(ns3::Mac48Address::Allocate());
    (*it)->AddDevice(dev);
    dev->SetChannel(Channel());
    devices.Add(dev);
  }
  return devices;
}

int64_t SlHelper::AssignStreams(const ns3::NetDeviceContainer& devices, int64_t stream) {
  int64_t used = Channel()->AssignStreams(stream);
  for (auto it = devices.Begin(); it != devices.End(); ++it)
    used += ns3::DynamicCast<SlNetDevice>(*it)->AssignStreams(stream + used);
  return used;
}

}  // namespace mcx::models
