// The ProSe PC5 sidelink NetDevice (Rel-12/13 mode 2, UE-autonomous resource selection).
#pragma once

#include <ns3/channel.h>
#include <ns3/event-id.h>
#include <ns3/mac48-address.h>
#include <ns3/net-device.h>
#include <ns3/net-device-container.h>
#include <ns3/node-container.h>
#include <ns3/object-factory.h>
#include <ns3/nstime.h>
#include <ns3/propagation-loss-model.h>
#include <ns3/random-variable-stream.h>
#include <ns3/traced-callback.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mcx/models/sidelink/radio/sl_pool.h"

#include "mcx/models/sidelink/model/sl_channel.h"

namespace ns3 {
class LteAmc;
}

namespace mcx::models {

/// A UE's PC5 interface: RLC UM segmentation over mode-2 grants, one destination per SC period.
class SlNetDevice : public ns3::NetDevice {
 public:
  static ns3::TypeId GetTypeId();
  SlNetDevice();

  /// An IP packet passed up (MacRx), with its one-way delay from the sender's queue.
  typedef void (*RxCallback)(ns3::Ptr<const ns3::Packet> packet, ns3::Time delay);
  /// Bytes put on air: a TB copy (harq 1..4) or an SCI copy (harq 0).
  typedef void (*PhyTxCallback)(uint32_t bytes, uint32_t harq);
  /// An SCI copy received: its source, whether it decoded, its SINR (dB).
  typedef void (*PscchRxCallback)(ns3::Mac48Address source, bool decoded, double sinrDb);
  /// A TB copy received: its source, HARQ copy, whether it decoded, its SINR (dB).
  typedef void (*PsschRxCallback)(ns3::Mac48Address source, uint32_t harq, bool decoded, double sinrDb);
  /// A mode-2 grant: period start subframe, n_PSCCH, I_TRP, rbStart.
  typedef void (*GrantCallback)(uint32_t periodStart, uint32_t nPscch, uint32_t iTrp, uint32_t rbStart);
  /// A packet dropped, with the reason.
  typedef void (*DropCallback)(ns3::Ptr<const ns3::Packet> packet, std::string reason);

  void SetChannel(ns3::Ptr<SlChannel> channel);
  const sidelink::SlPoolMap& PoolMap() const { return *m_poolMap; }
  /// The resource pool (its SC period included); by default the pre-configured one.
  void SetPool(const sidelink::SlCommPool& pool);
  /// The pre-configured pool with another SC period (attribute ScPeriod).
  void SetScPeriod(uint32_t periodMs);
  uint32_t GetScPeriod() const;
  std::size_t QueuedBytes() const;

  // NetDevice
  void SetIfIndex(const uint32_t index) override { m_ifIndex = index; }
  uint32_t GetIfIndex() const override { return m_ifIndex; }
  ns3::Ptr<ns3::Channel> GetChannel() const override;
  void SetAddress(ns3::Address address) override { m_address = ns3::Mac48Address::ConvertFrom(address); }
  ns3::Address GetAddress() const override { return m_address; }
  bool SetMtu(const uint16_t mtu) override { m_mtu = mtu; return true; }
  uint16_t GetMtu() const override { return m_mtu; }
  bool IsLinkUp() const override { return m_channel != nullptr; }
  void AddLinkChangeCallback(ns3::Callback<void>) override {}
  bool IsBroadcast() const override { return true; }
  ns3::Address GetBroadcast() const override { return ns3::Mac48Address::GetBroadcast(); }
  bool IsMulticast() const override { return true; }
  ns3::Address GetMulticast(ns3::Ipv4Address group) const override;
  ns3::Address GetMulticast(ns3::Ipv6Address group) const override;
  bool IsBridge() const override { return false; }
  bool IsPointToPoint() const override { return false; }
  bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest, uint16_t protocol) override;
  bool SendFrom(ns3::Ptr<ns3::Packet> packet, const ns3::Address& source, const ns3::Address& dest,
                uint16_t protocol) override;
  ns3::Ptr<ns3::Node> GetNode() const override { return m_node; }
  void SetNode(ns3::Ptr<ns3::Node> node) override { m_node = node; }
  bool NeedsArp() const override { return false; }
  void SetReceiveCallback(ReceiveCallback cb) override { m_rx = cb; }
  void SetPromiscReceiveCallback(PromiscReceiveCallback cb) override { m_promiscRx = cb; }
  bool SupportsSendFrom() const override { return false; }

  int64_t AssignStreams(int64_t stream);

  // Called by the channel.
  void StartSubframe(uint32_t subframe);
  void ReceiveTb(const SlGrant& grant, const SlTransportBlock& tb);
  void NotifyPscch(const SlGrant& grant, bool decoded, double sinrDb);
  void NotifyPssch(const SlGrant& grant, uint32_t harq, bool decoded, double sinrDb);
  bool TransmitsIn(uint32_t subframe) const { return m_txSubframes.count(subframe) > 0; }
  uint32_t Mcs() const { return m_mcs; }

  /// Traces: packets queued / delivered up (with one-way delay), TBs sent (bytes per HARQ copy),
  /// SCI and TB receptions (decoded or not), drops with a reason.
  ns3::TracedCallback<ns3::Ptr<const ns3::Packet>> m_macTxTrace;
  ns3::TracedCallback<ns3::Ptr<const ns3::Packet>, ns3::Time> m_macRxTrace;
  /// ns-3's sniffer convention (as CsmaNetDevice's): every IP packet sent or passed up, for pcap.
  ns3::TracedCallback<ns3::Ptr<const ns3::Packet>> m_snifferTrace;
  ns3::TracedCallback<uint32_t, uint32_t> m_phyTxTrace;  ///< (bytes on air, harq 1..4; 0 = SCI)
  ns3::TracedCallback<ns3::Mac48Address, bool, double> m_pscchRxTrace;
  ns3::TracedCallback<ns3::Mac48Address, uint32_t, bool, double> m_psschRxTrace;
  ns3::TracedCallback<ns3::Ptr<const ns3::Packet>, std::string> m_dropTrace;
  /// A mode-2 grant: (period start subframe, n_PSCCH, I_TRP, rbStart).
  ns3::TracedCallback<uint32_t, uint32_t, uint32_t, uint32_t> m_grantTrace;

 protected:
  void DoDispose() override;

 private:
  struct Pending {
    uint64_t sduId;
    ns3::Ptr<ns3::Packet> packet;
    ns3::Mac48Address destination;
    uint16_t protocol;
    uint32_t sduBytes, sent;
    ns3::Time enqueued;
  };
  void MakeGrant(uint32_t periodStart);
  void TransmitGrant(const std::shared_ptr<SlGrant>& grant, uint32_t subframe);
  void FillTb(const SlGrant& grant, SlTransportBlock& tb);
  /// For the log: "node <id>" of this device, and of the device with `address` on the channel.
  std::string Who() const;
  std::string WhoIs(ns3::Mac48Address address) const;

  ns3::Ptr<SlChannel> m_channel;
  ns3::Ptr<ns3::Node> m_node;
  uint32_t m_ifIndex = 0;
  uint16_t m_mtu = 1500;
  ns3::Mac48Address m_address;
  ReceiveCallback m_rx;
  PromiscReceiveCallback m_promiscRx;
  ns3::Ptr<ns3::UniformRandomVariable> m_rng;

  // Attributes.
  uint32_t m_ktrp = 1;
  uint32_t m_mcs = 16;
  uint32_t m_rbLen = 5;
  uint32_t m_grantLeadMs = 4;  ///< MAC decides the grant this long before the period (NIST)
  uint32_t m_pdcpHeaderBytes = 5;
  uint32_t m_rlcHeaderBytes = 2;
  uint32_t m_macHeaderBytes = 0;  ///< SL-SCH subheader (6 bytes in TS 36.321); off as in psc-ns3
  uint32_t m_maxQueueBytes = 64000;

  std::unique_ptr<sidelink::SlPoolMap> m_poolMap;
  /// (PrbCount, Ktrp) last found to fit the pool (sidelink::SlPoolMap::CheckGrantFit).
  std::optional<std::pair<uint32_t, uint32_t>> m_checkedFit;
  std::deque<Pending> m_queue;
  uint64_t m_nextSduId = 1;
  std::vector<std::shared_ptr<SlGrant>> m_grants;  ///< this period's and the next one's
  ns3::Ptr<ns3::LteAmc> m_amc;
  std::set<uint32_t> m_txSubframes;  ///< absolute subframes this UE actually transmitted in (half duplex)
  // RLC UM reassembly per source: SDU id -> bytes received.
  std::map<ns3::Mac48Address, std::pair<uint64_t, uint32_t>> m_reassembly;
};

}  // namespace mcx::models
