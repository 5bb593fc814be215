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
#include <sstream>

NS_LOG_COMPONENT_DEFINE("McxSlNetDevice");

namespace mcx::models {

using namespace ns3;
using sidelink::SlPoolMap;

NS_OBJECT_ENSURE_REGISTERED(SlNetDevice);

TypeId SlNetDevice::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::SlNetDevice")
          .SetParent<NetDevice>()
          .SetGroupName("Mcx")
          .AddConstructor<SlNetDevice>()
          .AddAttribute("ScPeriod",
                        "Sidelink control period (ms) of the pre-configured pool: 40, 60, 70, 80, 120, 140, 160, "
                        "240, 280 or 320 (SetPool sets a whole pool instead)",
                        UintegerValue(40),
                        MakeUintegerAccessor(&SlNetDevice::SetScPeriod, &SlNetDevice::GetScPeriod),
                        MakeUintegerChecker<uint32_t>(40, 320))
          .AddAttribute("Ktrp", "Ones in the T-RPT (1, 2, 4 or 8): TBs per period", UintegerValue(1),
                        MakeUintegerAccessor(&SlNetDevice::m_ktrp), MakeUintegerChecker<uint32_t>(1, 8))
          .AddAttribute("Mcs", "PSSCH MCS (0..20)", UintegerValue(16), MakeUintegerAccessor(&SlNetDevice::m_mcs),
                        MakeUintegerChecker<uint32_t>(0, 20))
          .AddAttribute("PrbCount", "PSSCH PRBs per TB (contiguous in the pool's data PRBs)", UintegerValue(5),
                        MakeUintegerAccessor(&SlNetDevice::m_rbLen), MakeUintegerChecker<uint32_t>(1, 110))
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
                          MakeTraceSourceAccessor(&SlNetDevice::m_macRxTrace), "mcx::SlNetDevice::RxCallback")
          .AddTraceSource("Sniffer", "An IP packet sent or passed up (raw IP, for pcap: SlHelper::EnablePcapAll)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_snifferTrace), "ns3::Packet::TracedCallback")
          .AddTraceSource("PhyTx", "Bytes put on air: a TB copy (harq 1..4) or an SCI copy (harq 0)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_phyTxTrace), "mcx::SlNetDevice::PhyTxCallback")
          .AddTraceSource("PscchRx", "An SCI copy was received (source, decoded, SINR dB)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_pscchRxTrace), "mcx::SlNetDevice::PscchRxCallback")
          .AddTraceSource("PsschRx", "A TB copy was received (source, harq, decoded, SINR dB)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_psschRxTrace), "mcx::SlNetDevice::PsschRxCallback")
          .AddTraceSource("Grant", "A mode-2 grant was chosen (period start subframe, n_PSCCH, I_TRP, rbStart)",
                          MakeTraceSourceAccessor(&SlNetDevice::m_grantTrace), "mcx::SlNetDevice::GrantCallback")
          .AddTraceSource("Drop", "A packet was dropped (reason)", MakeTraceSourceAccessor(&SlNetDevice::m_dropTrace),
                          "mcx::SlNetDevice::DropCallback");
  return tid;
}

SlNetDevice::SlNetDevice() : m_rng(CreateObject<UniformRandomVariable>()) {
  NS_LOG_FUNCTION(this);
  m_poolMap = std::make_unique<SlPoolMap>(sidelink::SlCommPool::PreconfiguredDefault());
}

std::string SlNetDevice::Who() const {
  std::ostringstream s;
  s << "node " << (m_node ? static_cast<int64_t>(m_node->GetId()) : -1);
  return s.str();
}

std::string SlNetDevice::WhoIs(Mac48Address address) const {
  if (address.IsBroadcast()) return "broadcast";
  for (std::size_t i = 0; m_channel && i < m_channel->GetNDevices(); ++i) {
    Ptr<NetDevice> d = m_channel->GetDevice(i);
    if (d->GetAddress() == Address(address) && d->GetNode()) return "node " + std::to_string(d->GetNode()->GetId());
  }
  std::ostringstream s;
  s << (address.IsGroup() ? "group " : "") << address;
  return s.str();
}

void SlNetDevice::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_channel = nullptr;
  m_node = nullptr;
  m_queue.clear();
  m_grants.clear();
  m_amc = nullptr;
  m_rx = MakeNullCallback<bool, Ptr<NetDevice>, Ptr<const Packet>, uint16_t, const Address&>();
  NetDevice::DoDispose();
}

void SlNetDevice::SetChannel(Ptr<SlChannel> channel) {
  NS_LOG_FUNCTION(this << channel);
  m_channel = channel;
  channel->Add(this);
}

Ptr<Channel> SlNetDevice::GetChannel() const { return m_channel; }

void SlNetDevice::SetScPeriod(uint32_t periodMs) {
  sidelink::SlCommPool pool = sidelink::SlCommPool::PreconfiguredDefault();
  pool.periodSubframes = periodMs;
  SetPool(pool);
}

uint32_t SlNetDevice::GetScPeriod() const { return m_poolMap->Pool().periodSubframes; }

void SlNetDevice::SetPool(const sidelink::SlCommPool& pool) {
  NS_LOG_FUNCTION(this << pool.periodSubframes);
  // Direct misuse of the model; the scenarios reject such settings first (scenarios::CheckRadio).
  if (auto why = pool.Validate()) NS_FATAL_ERROR("sidelink pool: " << *why);
  m_poolMap = std::make_unique<SlPoolMap>(pool);
  m_checkedFit.reset();
}

int64_t SlNetDevice::AssignStreams(int64_t stream) {
  NS_LOG_FUNCTION(this << stream);
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
  NS_LOG_FUNCTION(this << packet << dest << protocol);
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
        NS_LOG_WARN(Who() << ": drops a packet of " << packet->GetSize() << " bytes: no sidelink peer has " << d);
        m_dropTrace(packet, "no-peer");
        return false;
      }
      to = Mac48Address::ConvertFrom(peer->GetAddress());
    }
  }
  const uint32_t sduBytes = packet->GetSize() + m_pdcpHeaderBytes;
  if (QueuedBytes() + sduBytes > m_maxQueueBytes) {
    NS_LOG_WARN(Who() << ": drops a packet of " << packet->GetSize() << " bytes: RLC buffer full (" << QueuedBytes()
                      << " of " << m_maxQueueBytes << " bytes queued)");
    m_dropTrace(packet, "queue-full");
    return false;
  }
  m_queue.push_back({m_nextSduId++, packet, to, protocol, sduBytes, 0, Simulator::Now()});
  NS_LOG_INFO(Who() << ": queues SDU " << m_queue.back().sduId << " (" << sduBytes << " bytes with PDCP) for "
                    << WhoIs(to) << "; " << QueuedBytes() << " bytes queued");
  m_macTxTrace(packet);
  m_snifferTrace(packet);
  return true;
}

void SlNetDevice::StartSubframe(uint32_t subframe) {
  m_txSubframes.erase(m_txSubframes.begin(), m_txSubframes.lower_bound(subframe));
  // TS 36.321 5.14.1.1 (mode 2): the grant for a period is fixed GrantLead subframes before it,
  // for data already buffered.
  const uint32_t decide = subframe + m_grantLeadMs;
  const uint32_t inCycle = decide % sidelink::kSfnCycleSubframes;
  if (m_poolMap->NextPeriodStartAbsolute(inCycle) == inCycle && !m_queue.empty()) MakeGrant(decide);
  for (const auto& g : m_grants)
    if (g->periodStart == subframe)
      NS_LOG_LOGIC(Who() << ": SC period of grant " << g->id << " starts at subframe " << subframe);
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
      NS_LOG_INFO(Who() << ": sends SCI of grant " << grant->id << " on PRB " << r.prb << " (subframe " << subframe
                        << ")");
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
    if (tb->segments.empty()) {
      NS_LOG_LOGIC(Who() << ": TB " << tbIndex << " of grant " << grant->id << " is empty, not sent");
      continue;
    }
    NS_LOG_INFO(Who() << ": sends TB " << tbIndex << " of grant " << grant->id << " (HARQ " << harq << "/"
                      << sidelink::kHarqTransmissions << ", " << tb->tbsBytes << " bytes, " << tb->segments.size()
                      << " segments) on PRBs " << grant->rbStart << ".." << grant->rbStart + grant->rbLen - 1
                      << " (subframe " << subframe << ")");
    m_channel->Transmit({this, SlChannel::TxKind::Pssch, grant->rbStart, grant->rbLen, grant, tbIndex, harq});
    m_txSubframes.insert(subframe);
    m_phyTxTrace(tb->tbsBytes, harq);
  }
}

void SlNetDevice::MakeGrant(uint32_t periodStart) {
  NS_LOG_FUNCTION(this << periodStart);
  // Direct misuse of the model (no random draw is taken first); the scenarios reject such
  // settings before building anything (scenarios::CheckRadio).
  if (m_checkedFit != std::make_pair(m_rbLen, m_ktrp)) {
    const auto why = m_poolMap->CheckGrantFit(m_rbLen, m_ktrp);
    NS_ABORT_MSG_IF(why, "sidelink grant: " << why.value_or(""));
    m_checkedFit = std::make_pair(m_rbLen, m_ktrp);
  }
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
  g->iTrp = lo + pick(hi - lo + 1);
  const auto starts = m_poolMap->PsschRbStarts(m_rbLen);
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
  NS_LOG_DEBUG(Who() << ": grant " << g->id << " for the SC period at subframe " << periodStart << " to "
                     << WhoIs(g->destination) << ": n_PSCCH " << g->nPscch << " (SCI at +" << g->pscch[0].subframe
                     << "/PRB " << g->pscch[0].prb << ", +" << g->pscch[1].subframe << "/PRB " << g->pscch[1].prb
                     << "), I_TRP " << g->iTrp << ", PRBs " << g->rbStart << ".." << g->rbStart + g->rbLen - 1
                     << ", MCS " << g->mcs << ", " << g->tbs.size() << " TBs of " << tbsBytes << " bytes; "
                     << QueuedBytes() << " bytes queued");
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
    NS_LOG_LOGIC(Who() << ": TB takes bytes " << it->sent << ".." << it->sent + n - 1 << " of SDU " << it->sduId << " ("
                       << it->sduBytes << " bytes)");
    tb.segments.push_back({it->sduId, it->sent, n, it->sduBytes, it->packet, it->protocol, it->enqueued});
    it->sent += n;
    room -= n;
    if (it->sent == it->sduBytes) it = m_queue.erase(it);
    else ++it;
  }
}

void SlNetDevice::NotifyPscch(const SlGrant& grant, bool decoded, double sinrDb) {
  NS_LOG_INFO(Who() << ": SCI of grant " << grant.id << " from " << WhoIs(grant.source) << " at SINR " << sinrDb
                    << " dB: " << (decoded ? "decoded" : "not decoded"));
  m_pscchRxTrace(grant.source, decoded, sinrDb);
}

void SlNetDevice::NotifyPssch(const SlGrant& grant, uint32_t harq, bool decoded, double sinrDb) {
  NS_LOG_INFO(Who() << ": TB of grant " << grant.id << " from " << WhoIs(grant.source) << " (HARQ " << harq
                    << ") at SINR " << sinrDb << " dB: " << (decoded ? "decoded" : "not decoded"));
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
      if (s.offset != 0) {  // the start of this SDU was lost
        NS_LOG_LOGIC(Who() << ": drops a segment of SDU " << s.sduId << " from " << WhoIs(grant.source)
                           << ": its start was lost");
        continue;
      }
      sduId = s.sduId;
      have = 0;
    }
    if (s.offset != have) {
      NS_LOG_LOGIC(Who() << ": drops a segment of SDU " << s.sduId << " from " << WhoIs(grant.source) << ": a gap");
      continue;
    }
    have += s.length;
    if (have < s.sduBytes) continue;
    const Ptr<Packet> copy = s.packet->Copy();
    if (m_promiscRx.IsNull() && type == PACKET_OTHERHOST) {
      NS_LOG_LOGIC(Who() << ": SDU " << s.sduId << " from " << WhoIs(grant.source) << " is for another host");
      continue;
    }
    if (!m_promiscRx.IsNull()) m_promiscRx(this, copy, s.protocol, grant.source, grant.destination, type);
    if (type == PACKET_OTHERHOST) continue;
    NS_LOG_INFO(Who() << ": receives SDU " << s.sduId << " (an IP packet of " << copy->GetSize() << " bytes) from "
                      << WhoIs(grant.source) << ", "  << (Simulator::Now() - s.enqueued).GetSeconds() * 1e3 << " ms after it was queued");
    m_macRxTrace(copy, Simulator::Now() - s.enqueued);
    m_snifferTrace(copy);
    if (!m_rx.IsNull()) m_rx(this, copy, s.protocol, grant.source);
  }
}

}  // namespace mcx::models
