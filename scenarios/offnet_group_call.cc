#include "offnet_group_call.h"

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include <random>

#include "offnet-apps.h"
#include "sidelink_common.h"

namespace mcx::scenarios {

using namespace ns3;

OffnetGroupCallResult RunOffnetGroupCall(const OffnetGroupCallParams& p) {
  RngSeedManager::SetSeed(1);
  RngSeedManager::SetRun(p.seed);
  OffnetGroupCallResult r;
  r.params = p;
  const uint32_t n = p.members + p.members_without_gmk;

  NodeContainer nodes;
  nodes.Create(n);
  MobilityHelper mobility;
  auto disc = CreateObject<UniformDiscPositionAllocator>();
  disc->SetRho(p.radius_m);
  disc->SetZ(1.5);
  disc->AssignStreams(static_cast<int64_t>(p.seed) * 7919);
  mobility.SetPositionAllocator(disc);
  mobility.Install(nodes);

  SidelinkRadioOptions radio;
  radio.mcs = p.mcs;
  radio.prbs = p.prbs;
  radio.ktrp = p.ktrp;
  radio.sc_period_ms = p.sc_period_ms;
  radio.shadowing_sigma_db = p.shadowing_sigma_db;
  Ptr<models::SlChannel> channel;
  NetDeviceContainer devices = InstallSidelinkIpv4(nodes, radio, p.seed, &channel);

  // The group's key, provisioned before the call: GMK, GMK-ID (purpose nibble 0) and RAND.
  std::mt19937_64 keyGen(p.seed * 0x9e3779b97f4a7c15ull);
  crypto::Bytes gmk(16), rand(16);
  for (auto& b : gmk) b = static_cast<uint8_t>(keyGen());
  for (auto& b : rand) b = static_cast<uint8_t>(keyGen());
  const uint32_t gmkId = static_cast<uint32_t>(keyGen()) & 0x0fffffffu;

  for (uint32_t i = 0; i < n; ++i) {
    auto app = CreateObject<models::OffnetMcpttApp>();
    app->SetAttribute("UserId", StringValue("sip:ue" + std::to_string(i) + "@mcx.example.org"));
    app->SetAttribute("Ssrc", UintegerValue(0x5000 + i));
    app->SetAttribute("T201", DoubleValue(p.t201_ms / 1000.0));
    app->SetAttribute("C201", UintegerValue(p.c201));
    app->SetAttribute("PttMeanInterval", DoubleValue(i < p.members ? p.ptt_mean_interval_s : 0.0));
    app->SetAttribute("TalkMean", DoubleValue(p.talk_mean_s));
    if (i < p.members) app->SetGroupKey(gmk, gmkId, rand);
    nodes.Get(i)->AddApplication(app);
    app->SetStartTime(Seconds(0.5));
    app->SetStopTime(Seconds(p.duration_s));
    CollectOffnetStats(app, DynamicCast<models::SlNetDevice>(devices.Get(i)), r.stats);
  }
  channel->TraceConnectWithoutContext("Collision", Callback<void, uint32_t, uint32_t>([&r](uint32_t kind, uint32_t) {
    ++(kind == 0 ? r.collisions_pscch : r.collisions_pssch);
  }));

  Simulator::Stop(Seconds(p.duration_s + 0.5));
  Simulator::Run();
  for (uint32_t i = 0; i < n; ++i) {
    auto app = DynamicCast<models::OffnetMcpttApp>(nodes.Get(i)->GetApplication(0));
    if (app->floor()) r.duplicate_arbitrators += app->floor()->duplicate_arbitrators();
  }
  Simulator::Destroy();
  r.sim_end_s = p.duration_s + 0.5;
  return r;
}

}  // namespace mcx::scenarios
