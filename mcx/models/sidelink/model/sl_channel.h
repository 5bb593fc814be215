// The shared PC5 medium (SlChannel).
#pragma once

#include <ns3/channel.h>
#include <ns3/event-id.h>
#include <ns3/nstime.h>
#include <ns3/propagation-loss-model.h>
#include <ns3/random-variable-stream.h>
#include <ns3/traced-callback.h>

#include <map>
#include <memory>
#include <vector>

#include "mcx/models/sidelink/model/sl_transport_block.h"
#include "mcx/models/sidelink/radio/nist_error_model.h"
#include "mcx/models/sidelink/radio/sl_radio.h"

namespace mcx::models {
class SlNetDevice;
}  // namespace mcx::models

namespace mcx::models {

/// The shared PC5 medium: drives the common subframe clock (all UEs share timing), collects each
/// subframe's transmissions and decides receptions from SINR (interference included) with the NIST
/// curves: SCI copies strongest first, one SCI per RB; PSSCH only for TBs announced by a decoded
/// SCI; HARQ combining over the four copies; half duplex.
class SlChannel : public ns3::Channel {
 public:
  static ns3::TypeId GetTypeId();
  SlChannel();

  /// Two transmissions shared a resource: kind 0 = a PSCCH resource, 1 = PSSCH RBs; the subframe.
  typedef void (*CollisionCallback)(uint32_t kind, uint32_t subframe);

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
  /// The node ID of a device, for the log (-1 without a node).
  static int64_t NodeId(const SlNetDevice* device);

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

}  // namespace mcx::models
