#include "mcx/models/apps/model/offnet_attacker_app.h"

#include <ns3/double.h>
#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxOffnetAttackerApp");
NS_OBJECT_ENSURE_REGISTERED(OffnetAttackerApp);

TypeId OffnetAttackerApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::OffnetAttackerApp")
          .SetParent<Application>()
          .SetGroupName("Mcx")
          .AddConstructor<OffnetAttackerApp>()
          .AddAttribute("Kind", "tamper, replay or flood (procedures::PacketAttacker).", StringValue("tamper"),
                        MakeStringAccessor(&OffnetAttackerApp::m_kind), MakeStringChecker())
          .AddAttribute("GroupAddress", "The call's IP multicast address.", Ipv4AddressValue("225.0.0.1"),
                        MakeIpv4AddressAccessor(&OffnetAttackerApp::m_group), MakeIpv4AddressChecker())
          .AddAttribute("FloorPort", "The call's floor-control port.", UintegerValue(49151),
                        MakeUintegerAccessor(&OffnetAttackerApp::m_floorPort), MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("MediaPort", "The call's media port.", UintegerValue(49150),
                        MakeUintegerAccessor(&OffnetAttackerApp::m_mediaPort), MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("ReplayDelay", "replay: how long after hearing a packet it sends it again.",
                        TimeValue(Seconds(procedures::PacketAttacker::Config{}.replay_delay_s)),
                        MakeTimeAccessor(&OffnetAttackerApp::m_replayDelay), MakeTimeChecker(Seconds(0)))
          .AddAttribute("FloodRate", "flood: random datagrams per second to the floor port.",
                        DoubleValue(procedures::PacketAttacker::Config{}.flood_rate_pps),
                        MakeDoubleAccessor(&OffnetAttackerApp::m_floodRate), MakeDoubleChecker<double>(0, 10000))
          .AddTraceSource("Tx", "A packet it sent (its bytes above UDP).", MakeTraceSourceAccessor(&OffnetAttackerApp::m_txTrace),
                          "mcx::OffnetAttackerApp::TxCallback");
  return tid;
}

OffnetAttackerApp::OffnetAttackerApp() : m_random(CreateObject<UniformRandomVariable>()) {}
OffnetAttackerApp::~OffnetAttackerApp() = default;

int64_t OffnetAttackerApp::AssignStreams(int64_t stream) {
  m_random->SetStream(stream);
  return 1;
}

void OffnetAttackerApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  procedures::PacketAttacker::Config cfg;
  const auto kind = procedures::PacketAttacker::KindByName(m_kind);
  if (!kind) {
    NS_LOG_WARN("Kind is tamper, replay or flood, not " << m_kind << ": no attack");
    return;
  }
  cfg.kind = *kind;
  cfg.group_address = Ipv4String(m_group);
  cfg.floor_port = m_floorPort;
  cfg.media_port = m_mediaPort;
  cfg.replay_delay_s = m_replayDelay.GetSeconds();
  cfg.flood_rate_pps = m_floodRate;
  m_host = std::make_unique<Ns3Host>(GetNode(), Ns3Host::Config{}, m_random, "offnet-attacker");
  m_host->on_sent = [this](uint32_t bytes) { m_txTrace(bytes); };
  m_attacker = std::make_unique<procedures::PacketAttacker>(*m_host, cfg);
  for (uint16_t port : {m_floorPort, m_mediaPort})
    m_host->OpenDatagram(port, [this, port](const procedures::Endpoint& from, crypto::ByteView b) {
      if (from.host == m_host->LocalAddress()) return;  // its own transmissions
      m_attacker->OnHeard(port, b);
    });
  NS_LOG_INFO("node " << GetNode()->GetId() << ": attacker (" << m_kind << ") in range of " << m_group);
  m_host->Dispatch([&] { m_attacker->Start(); });
}

void OffnetAttackerApp::StopApplication() {
  NS_LOG_FUNCTION(this);
  if (m_attacker) m_attacker->Stop();
  if (m_host) m_host->Stop();
}

void OffnetAttackerApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_attacker.reset();
  if (m_host) m_host->Stop(/*disposing=*/true);
  m_host.reset();
  m_random = nullptr;
  Application::DoDispose();
}

}  // namespace mcx::models
