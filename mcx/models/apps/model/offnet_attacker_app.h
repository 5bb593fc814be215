// An attacker UE in range of an off-network group call, as an ns-3 application
// (procedures::PacketAttacker): it holds no GMK, listens on the call's floor and media ports and
// tampers, replays or floods. Its own node's host runs it, so its transmissions take sidelink
// resources like any UE's.
#pragma once

#include <ns3/application.h>
#include <ns3/ipv4-address.h>
#include <ns3/nstime.h>
#include <ns3/random-variable-stream.h>
#include <ns3/traced-callback.h>

#include <memory>
#include <string>

#include "mcx/models/apps/model/ns3_host.h"
#include "mcx/procedures/offnet/packet_attacker.h"

namespace mcx::models {

class OffnetAttackerApp : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();
  OffnetAttackerApp();
  ~OffnetAttackerApp() override;
  /// Fixes the stream of its draws (flood timing, junk bytes); returns how many it used.
  int64_t AssignStreams(int64_t stream);
  uint64_t Sent() const { return m_attacker ? m_attacker->sent() : 0; }

  /// A packet it sent (its bytes above UDP).
  typedef void (*TxCallback)(uint32_t bytes);

 private:
  void StartApplication() override;
  void StopApplication() override;
  void DoDispose() override;

  std::string m_kind;
  ns3::Ipv4Address m_group;
  uint16_t m_floorPort = 49151;
  uint16_t m_mediaPort = 49150;
  ns3::Time m_replayDelay;
  double m_floodRate = 50;
  ns3::Ptr<ns3::UniformRandomVariable> m_random;
  std::unique_ptr<Ns3Host> m_host;
  std::unique_ptr<procedures::PacketAttacker> m_attacker;
  ns3::TracedCallback<uint32_t> m_txTrace;
};

}  // namespace mcx::models
