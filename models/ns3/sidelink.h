// ProSe PC5 sidelink for ns-3 (Rel-12/13 direct communication, UE-autonomous resource selection):
// a NetDevice that carries IP packets (groupcast by layer-2 group ID, unicast for private calls)
// over a shared SlChannel, following docs/prose-sidelink-model.md section 15. The exact parts
// (pools, T-RPT, BLER curves, path loss, SINR) live in models/sidelink without ns-3.
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
#include <set>
#include <vector>

#include "nist_error_model.h"
#include "sl_pool.h"
#include "sl_radio.h"

namespace mcx::models {

class SlNetDevice;
}  // namespace mcx::models
namespace ns3 {
class LteAmc;
}
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

/// One SL-SCH transport block: segments of RLC UM SDUs (IP packet + SL PDCP header).
struct SlSegment {
  uint64_t sduId = 0;
  uint32_t offset = 0, length = 0, sduBytes = 0;
  ns3::Ptr<ns3::Packet> packet;  ///< the whole IP packet, delivered when the SDU completes
  uint16_t protocol = 0;
  ns3::Time enqueued;
};
struct SlTransportBlock {
  uint32_t tbsBytes = 0;
  std::vector<SlSegment> segments;
};

/// A mode-2 grant: one destination, one period.
struct SlGrant {
  uint64_t id = 0;
  uint32_t periodStart = 0;  ///< absolute subframe
  uint32_t periodLength = 40;
  ns3::Mac48Address source, destination;
  uint32_t nPscch = 0, iTrp = 0, rbStart = 0, rbLen = 0, mcs = 0;
  std::array<sidelink::SlResource, 2> pscch{};  ///< the two SCI copies (subframes relative to the period)
  std::vector<uint32_t> psschSubframes;  ///< absolute, 4 per TB
  std::vector<std::shared_ptr<SlTransportBlock>> tbs;
};

/// The shared PC5 medium: drives the common subframe clock (all UEs share timing), collects each
/// subframe's transmissions and decides receptions from SINR (interference included) with the NIST
/// curves: SCI copies strongest first, one SCI per RB; PSSCH only for TBs announced by a decoded
/// SCI; HARQ combining over the four copies; half duplex.
class SlChannel : public ns3::Channel {
 public:
  static ns3::TypeId GetTypeId();
  SlChannel();

  void Add(ns3::Ptr<SlNetDevice> device);
  std::size_t GetNDevices() const override { return m_devices.size(); }
  ns3::Ptr<ns3::NetDevice> GetDevice(std::size_t i) const override;
  SlNetDevice* FindByIpv4(uint32_t address) const;
  int64_t AssignStreams(int64_t stream);

  enum class TxKind { Pscch, Pssch };
  struct AirTx {
    SlNetDevice* device;
    TxKind kind;
    uint32_t rbStart, rbLen;
    std::shared_ptr<SlGrant> grant;
    uint32_t tbIndex = 0, harq = 0;  ///< PSSCH: which TB and which of its 4 transmissions (1..4)
  };
  void Transmit(AirTx tx) { m_air.push_back(std::move(tx)); }
  uint32_t CurrentSubframe() const { return m_subframe; }

  /// Channel-wide collision counts (PSCCH: two SCIs on one resource; PSSCH: two TBs sharing a RB).
  ns3::TracedCallback<uint32_t, uint32_t> m_collisionTrace;  ///< (kind 0 PSCCH / 1 PSSCH, subframe)

 protected:
  void DoDispose() override;

 private:
  void Tick();
  void Evaluate(uint32_t subframe);
  double LossDb(SlNetDevice* tx, SlNetDevice* rx);

  std::vector<ns3::Ptr<SlNetDevice>> m_devices;
  ns3::Ptr<ns3::PropagationLossModel> m_loss;
  ns3::Ptr<ns3::UniformRandomVariable> m_decode;
  double m_txPowerDbm = 23.0, m_noiseFigureDb = 9.0, m_simoGainDb = 4.0;
  bool m_dropRbOnCollision = false;
  bool m_cumulativeHarq = false;
  std::vector<AirTx> m_air;
  uint32_t m_subframe = 0;  ///< absolute subframe counter (not wrapped)
  ns3::EventId m_tick;
  // HARQ state per (grant id, receiver, TB index); forgotten when the grant's period ends.
  using HarqKey = std::tuple<uint64_t, const SlNetDevice*, uint32_t>;
  std::map<HarqKey, sidelink::SlHarqState> m_harq;
  std::set<HarqKey> m_decoded;
  std::map<uint64_t, uint32_t> m_grantEnd;
  std::map<const SlNetDevice*, std::set<uint64_t>> m_knownGrants;  ///< SCIs decoded this period
};

/// A UE's PC5 interface: RLC UM segmentation over mode-2 grants, one destination per SC period.
class SlNetDevice : public ns3::NetDevice {
 public:
  static ns3::TypeId GetTypeId();
  SlNetDevice();

  void SetChannel(ns3::Ptr<SlChannel> channel);
  const sidelink::SlPoolMap& PoolMap() const { return *m_poolMap; }
  void SetPool(const sidelink::SlCommPool& pool);
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

  ns3::Ptr<SlChannel> m_channel;
  ns3::Ptr<ns3::Node> m_node;
  uint32_t m_ifIndex = 0;
  uint16_t m_mtu = 1500;
  ns3::Mac48Address m_address;
  ReceiveCallback m_rx;
  PromiscReceiveCallback m_promiscRx;
  ns3::Ptr<ns3::UniformRandomVariable> m_rng;

  // Attributes.
  uint32_t m_periodMs = 40;
  uint32_t m_ktrp = 1;
  uint32_t m_mcs = 16;
  uint32_t m_rbLen = 5;
  uint32_t m_grantLeadMs = 4;  ///< MAC decides the grant this long before the period (NIST)
  uint32_t m_pdcpHeaderBytes = 5;
  uint32_t m_rlcHeaderBytes = 2;
  uint32_t m_macHeaderBytes = 0;  ///< SL-SCH subheader (6 bytes in TS 36.321); off as in psc-ns3
  uint32_t m_maxQueueBytes = 64000;

  std::unique_ptr<sidelink::SlPoolMap> m_poolMap;
  std::deque<Pending> m_queue;
  uint64_t m_nextSduId = 1;
  std::vector<std::shared_ptr<SlGrant>> m_grants;  ///< this period's and the next one's
  ns3::Ptr<ns3::LteAmc> m_amc;
  std::set<uint32_t> m_txSubframes;  ///< absolute subframes this UE actually transmitted in (half duplex)
  // RLC UM reassembly per source: SDU id -> bytes received.
  std::map<ns3::Mac48Address, std::pair<uint64_t, uint32_t>> m_reassembly;
};

}  // namespace mcx::models

namespace mcx::models {

/// Installs SlNetDevices on nodes, all on one SlChannel; device attributes apply to every device.
class SlHelper {
 public:
  SlHelper();
  void SetDeviceAttribute(const std::string& name, const ns3::AttributeValue& value);
  void SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value);
  ns3::NetDeviceContainer Install(const ns3::NodeContainer& nodes);
  ns3::Ptr<SlChannel> Channel();
  /// Fixes the random streams of the channel (decoding, path-loss states) and the devices.
  int64_t AssignStreams(const ns3::NetDeviceContainer& devices, int64_t stream);

 private:
  ns3::ObjectFactory m_device, m_channelFactory;
  ns3::Ptr<SlChannel> m_channel;
};

}  // namespace mcx::models
