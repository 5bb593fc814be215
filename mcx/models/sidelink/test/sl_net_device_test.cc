// The PC5 sidelink device in small ns-3 runs: IP over the sidelink, the one-way latency
// distribution at a 40 ms period (validation step 5), half duplex, HARQ combining, collisions.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>
#include <ns3/propagation-module.h>

#include "mcx/models/sidelink/helper/sl_helper.h"
#include "mcx/models/sidelink/model/o2o_propagation_loss_model.h"

using namespace ns3;
using mcx::models::SlHelper;
using mcx::models::SlNetDevice;

namespace {

struct World {
  NodeContainer nodes;
  NetDeviceContainer devices;
  Ipv4InterfaceContainer ifaces;
  SlHelper helper;
};

// UEs on a line `spacingM` apart, IPv4 over the sidelink.
void Build(World& w, uint32_t n, double spacingM, uint64_t seed) {
  RngSeedManager::SetSeed(1);
  RngSeedManager::SetRun(seed);
  w.nodes.Create(n);
  MobilityHelper mobility;
  auto positions = CreateObject<ListPositionAllocator>();
  for (uint32_t i = 0; i < n; ++i) positions->Add(Vector(i * spacingM, 0, 1.5));
  mobility.SetPositionAllocator(positions);
  mobility.Install(w.nodes);
  w.devices = w.helper.Install(w.nodes);
  InternetStackHelper internet;
  internet.Install(w.nodes);
  Ipv4AddressHelper ip("10.42.0.0", "255.255.255.0");
  w.ifaces = ip.Assign(w.devices);
  Ipv4StaticRoutingHelper routing;
  for (uint32_t i = 0; i < n; ++i)  // group traffic (224.0.0.0/4) leaves over the sidelink
    routing.SetDefaultMulticastRoute(w.nodes.Get(i), w.devices.Get(i));
  w.helper.AssignStreams(w.devices, 100 + static_cast<int64_t>(seed) * 10);
}

Ptr<SlNetDevice> Dev(World& w, uint32_t i) { return DynamicCast<SlNetDevice>(w.devices.Get(i)); }

// Sends `count` 100-byte UDP packets from node `from` to `to` at a uniformly random time in the
// first 150 ms of successive 200 ms slots (so no two share a grant: one 193-byte TB per period); returns one-way delays (ms) of the packets that arrived.
std::vector<double> Exchange(World& w, uint32_t from, Address to, uint32_t count) {
  std::vector<double> delaysMs;
  uint32_t received = 0;
  for (uint32_t r = 0; r < w.nodes.GetN(); ++r) {
    if (r == from) continue;
    Ptr<Socket> sink = Socket::CreateSocket(w.nodes.Get(r), UdpSocketFactory::GetTypeId());
    sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9000));
    sink->SetRecvCallback([&](Ptr<Socket> s) {
      while (Ptr<Packet> p = s->Recv()) ++received;
    });
  }
  for (uint32_t r = 0; r < w.nodes.GetN(); ++r)
    Dev(w, r)->TraceConnectWithoutContext("MacRx", MakeCallback(+[](std::vector<double>* out, Ptr<const Packet>, Time d) {
      out->push_back(d.GetSeconds() * 1000);
    }).Bind(&delaysMs));
  Ptr<Socket> src = Socket::CreateSocket(w.nodes.Get(from), UdpSocketFactory::GetTypeId());
  src->SetAllowBroadcast(true);
  src->Connect(to);
  auto when = CreateObject<UniformRandomVariable>();
  when->SetStream(7);
  for (uint32_t i = 0; i < count; ++i)
    Simulator::Schedule(MilliSeconds(200 * i) + MicroSeconds(when->GetInteger(0, 149999)),
                        [src]() { src->Send(Create<Packet>(100)); });
  Simulator::Stop(MilliSeconds(200 * count + 500));
  Simulator::Run();
  Simulator::Destroy();
  EXPECT_EQ(received, delaysMs.size());
  return delaysMs;
}

}  // namespace

TEST(SidelinkDevice, UnicastLatencyAt40MsPeriodMatchesTheModel) {
  World w;
  Build(w, 2, 20.0, 1);
  const auto d = Exchange(w, 0, InetSocketAddress(w.ifaces.GetAddress(1), 9000), 1500);
  ASSERT_EQ(d.size(), 1500u);  // 20 m: no loss
  const double mean = std::accumulate(d.begin(), d.end(), 0.0) / d.size();
  const auto [mn, mx] = std::minmax_element(d.begin(), d.end());
  // Brief section 14: one-way = U(0, P) + 4 + 9..16 ms: min 13, max 60, mean 36.5 ms.
  EXPECT_GE(*mn, 13.0 - 1e-9);
  EXPECT_LT(*mn, 14.5);
  EXPECT_LE(*mx, 60.0 + 1e-9);
  EXPECT_GT(*mx, 58.0);
  EXPECT_NEAR(mean, 36.5, 1.0);
}

TEST(SidelinkDevice, GroupcastReachesEveryMemberInRange) {
  World w;
  Build(w, 4, 30.0, 2);
  const auto d = Exchange(w, 0, InetSocketAddress(Ipv4Address("225.1.2.3"), 9000), 200);
  EXPECT_EQ(d.size(), 3u * 200u);
}

TEST(SidelinkDevice, HalfDuplexSendersDoNotHearEachOther) {
  // k_TRP = 8 fills every PSSCH subframe: two saturated senders never receive each other's TBs,
  // while a silent third UE hears them.
  World w;
  w.helper.SetDeviceAttribute("Ktrp", UintegerValue(8));
  w.helper.SetDeviceAttribute("PrbCount", UintegerValue(10));
  Build(w, 3, 10.0, 3);
  std::map<uint32_t, uint32_t> tbsDecoded;
  for (uint32_t i = 0; i < 3; ++i)
    Dev(w, i)->TraceConnectWithoutContext("PsschRx", MakeCallback(+[](uint32_t* n, Mac48Address, uint32_t, bool ok, double) {
      *n += ok;
    }).Bind(&tbsDecoded[i]));
  for (uint32_t s : {0u, 1u}) {
    Ptr<Socket> src = Socket::CreateSocket(w.nodes.Get(s), UdpSocketFactory::GetTypeId());
    src->SetAllowBroadcast(true);
    src->Connect(InetSocketAddress(Ipv4Address("225.1.2.3"), 9000));
    for (uint32_t i = 0; i < 100; ++i) Simulator::Schedule(MilliSeconds(10 * i), [src]() { src->Send(Create<Packet>(300)); });
  }
  Simulator::Stop(Seconds(1.2));
  Simulator::Run();
  Simulator::Destroy();
  EXPECT_EQ(tbsDecoded[0], 0u);
  EXPECT_EQ(tbsDecoded[1], 0u);
  EXPECT_GT(tbsDecoded[2], 20u);
}

TEST(SidelinkDevice, HarqCombiningRescuesTbsTheFirstCopyLoses) {
  // A fixed 129 dB loss: MCS 16 / 5 PRB gives 3.4 dB on the curve axis, hopeless for one copy
  // (10 % BLER needs 8.0 dB) but enough after combining (tx3 needs 1.8 dB).
  World w;
  w.helper.SetChannelAttribute("PropagationLossModel", PointerValue(CreateObjectWithAttributes<FixedRssLossModel>("Rss", DoubleValue(-129.0))));
  Build(w, 2, 10.0, 4);
  std::map<uint32_t, uint32_t> decodedAt;
  Dev(w, 1)->TraceConnectWithoutContext("PsschRx", MakeCallback(+[](std::map<uint32_t, uint32_t>* m, Mac48Address, uint32_t harq, bool ok, double) {
    if (ok) ++(*m)[harq];
  }).Bind(&decodedAt));
  const auto d = Exchange(w, 0, InetSocketAddress(w.ifaces.GetAddress(1), 9000), 200);
  EXPECT_EQ(d.size(), 200u);
  EXPECT_EQ(decodedAt[1], 0u);
  EXPECT_GT(decodedAt[2] + decodedAt[3] + decodedAt[4], 190u);
}

TEST(SidelinkDevice, LargePacketsAreSegmentedOverSeveralPeriods) {
  // 193-byte TBs (MCS 16, 5 PRB), one per period: a 600-byte packet needs four periods.
  World v;
  Build(v, 2, 10.0, 5);
  std::vector<double> delays;
  Dev(v, 1)->TraceConnectWithoutContext("MacRx", MakeCallback(+[](std::vector<double>* out, Ptr<const Packet>, Time t) {
    out->push_back(t.GetSeconds() * 1000);
  }).Bind(&delays));
  Ptr<Socket> src = Socket::CreateSocket(v.nodes.Get(0), UdpSocketFactory::GetTypeId());
  src->Connect(InetSocketAddress(v.ifaces.GetAddress(1), 9000));
  Simulator::Schedule(MilliSeconds(100), [src]() { src->Send(Create<Packet>(600)); });
  Simulator::Stop(Seconds(1));
  Simulator::Run();
  Simulator::Destroy();
  ASSERT_EQ(delays.size(), 1u);
  EXPECT_GT(delays[0], 3 * 40.0);
  EXPECT_LT(delays[0], 5 * 40.0);
}

TEST(SidelinkDevice, SaturatedUesCollide) {
  // 20 UEs within 60 m, each with data in every period: PSCCH resources (176) and PSSCH RBs collide.
  World w;
  Build(w, 20, 3.0, 6);
  uint32_t pscch = 0, pssch = 0;
  w.helper.Channel()->TraceConnectWithoutContext("Collision", MakeCallback(+[](uint32_t* a, uint32_t* b, uint32_t kind, uint32_t) {
    ++(kind == 0 ? *a : *b);
  }).Bind(&pscch, &pssch));
  for (uint32_t s = 0; s < 20; ++s) {
    Ptr<Socket> src = Socket::CreateSocket(w.nodes.Get(s), UdpSocketFactory::GetTypeId());
    src->SetAllowBroadcast(true);
    src->Connect(InetSocketAddress(Ipv4Address("225.1.2.3"), 9000));
    for (uint32_t i = 0; i < 50; ++i) Simulator::Schedule(MilliSeconds(40 * i + s), [src]() { src->Send(Create<Packet>(100)); });
  }
  Simulator::Stop(Seconds(2.2));
  Simulator::Run();
  Simulator::Destroy();
  EXPECT_GT(pssch, 10u);
  EXPECT_GT(pscch, 0u);
}

TEST(SidelinkDevice, PscchCollisionProbabilityMatchesTheAnalyticValue) {
  // Validation step 4: u UEs each choosing one of N = 176 PSCCH resources per period; a UE's
  // resource is shared with probability 1 - (1 - 1/N)^(u-1): 0.22 for 45 UEs.
  World w;
  Build(w, 45, 2.0, 8);
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> use;  // (period, n_PSCCH) -> grants
  uint32_t grants = 0;
  for (uint32_t s = 0; s < 45; ++s) {
    Dev(w, s)->TraceConnectWithoutContext("Grant", MakeCallback(+[](std::map<std::pair<uint32_t, uint32_t>, uint32_t>* u, uint32_t* g,
                                                                    uint32_t period, uint32_t n, uint32_t, uint32_t) {
      ++(*u)[{period, n}];
      ++*g;
    }).Bind(&use, &grants));
    Ptr<Socket> src = Socket::CreateSocket(w.nodes.Get(s), UdpSocketFactory::GetTypeId());
    src->Connect(InetSocketAddress(Ipv4Address("225.1.2.3"), 9000));
    // 333-byte SDUs every period against one 193-byte TB per period: the queue never empties, so
    // every UE takes a grant in every period.
    for (uint32_t i = 0; i < 60; ++i) Simulator::Schedule(MilliSeconds(40 * i + 10), [src]() { src->Send(Create<Packet>(300)); });
  }
  Simulator::Stop(MilliSeconds(40 * 60 + 100));
  Simulator::Run();
  Simulator::Destroy();
  uint32_t collided = 0;
  for (const auto& [k, n] : use) collided += n > 1 ? n : 0;
  const double measured = static_cast<double>(collided) / grants;
  const double expect = 1 - std::pow(1 - 1.0 / 176, 44);
  EXPECT_GE(grants, 45u * 55u);
  EXPECT_NEAR(measured, expect, 0.04) << grants << " grants";
}
