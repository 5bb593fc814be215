// ns-3 integration: a 4-member off-network group call over the PC5 sidelink. Every floor
// message on air is SRTCP that only the GMK-derived key opens; a member without the GMK cannot
// take part; the scenario's metrics hold together.
#include <gtest/gtest.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include "mcx/models/apps/model/offnet_mcptt_app.h"
#include "mcx/scenarios/offnet_group_call/offnet_group_call.h"
#include "mcx/scenarios/offnet_private_call/offnet_private_call.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/models/sidelink/helper/sl_helper.h"

using namespace ns3;

TEST(OffnetCall, EveryFloorMessageOnAirIsSrtcpUnderTheGmk) {
  RngSeedManager::SetSeed(1);
  RngSeedManager::SetRun(3);
  NodeContainer nodes;
  nodes.Create(5);  // four members and one UE without the GMK
  MobilityHelper mobility;
  auto pos = CreateObject<ListPositionAllocator>();
  for (int i = 0; i < 5; ++i) pos->Add(Vector(20.0 * i, 0, 1.5));
  mobility.SetPositionAllocator(pos);
  mobility.Install(nodes);
  mcx::models::SlHelper sl;
  sl.SetDeviceAttribute("Ktrp", UintegerValue(2));
  NetDeviceContainer devs = sl.Install(nodes);
  InternetStackHelper().Install(nodes);
  Ipv4AddressHelper("10.1.0.0", "255.255.255.0").Assign(devs);
  Ipv4StaticRoutingHelper routing;
  for (int i = 0; i < 5; ++i) routing.SetDefaultMulticastRoute(nodes.Get(i), devs.Get(i));
  sl.AssignStreams(devs, 50);

  const mcx::crypto::Bytes gmk(16, 0x3c), rand(16, 0x5a);
  const uint32_t gmkId = 0x01234567;
  std::vector<Ptr<mcx::models::OffnetMcpttApp>> apps;
  std::map<std::string, uint32_t> errors, outcomes;
  for (int i = 0; i < 5; ++i) {
    auto app = CreateObject<mcx::models::OffnetMcpttApp>();
    app->SetAttribute("UserId", StringValue("sip:m" + std::to_string(i) + "@x"));
    app->SetAttribute("Ssrc", UintegerValue(100 + i));
    app->SetAttribute("GroupUri", StringValue("sip:g@x"));
    if (i < 4) {  // the member's key store holds the group's GMK, active at once, never expiring
      mcx::security::StoredKey k;
      k.purpose = mcx::security::KeyPurpose::kGmk;
      k.key_id = gmkId;
      k.key = mcx::crypto::SecretBytes(gmk);
      k.rand = rand;
      k.group_uri = "sip:g@x";
      ASSERT_TRUE(mcx::models::DeviceKeyStore::Of(nodes.Get(i))->keys().Put(std::move(k)).ok());
    }
    nodes.Get(i)->AddApplication(app);
    app->SetStartTime(Seconds(0.1));
    app->TraceConnectWithoutContext("Error", Callback<void, std::string>([&errors](std::string e) { ++errors[e]; }));
    app->TraceConnectWithoutContext("FloorOutcome", Callback<void, std::string, double>([&outcomes](std::string o, double) {
      ++outcomes[o];
    }));
    apps.push_back(app);
  }
  // A scripted call: m0 talks, m1 asks while m0 talks (denied), m2 talks after m0, m3 after m2.
  Simulator::Schedule(Seconds(1.0), [&] { apps[0]->Talk(2.0); });
  Simulator::Schedule(Seconds(2.0), [&] { apps[1]->Talk(1.0); });
  Simulator::Schedule(Seconds(4.0), [&] { apps[2]->Talk(1.5); });
  Simulator::Schedule(Seconds(6.5), [&] { apps[3]->Talk(1.0); });
  Simulator::Schedule(Seconds(7.0), [&] { apps[4]->Talk(1.0); });  // no GMK: cannot even start

  // Sniff every floor packet the UE without the GMK receives at layer 2.
  std::vector<mcx::crypto::Bytes> sniffed;
  DynamicCast<mcx::models::SlNetDevice>(devs.Get(4))->TraceConnectWithoutContext(
      "MacRx", Callback<void, Ptr<const Packet>, Time>([&sniffed](Ptr<const Packet> p, Time) {
        Ptr<Packet> c = p->Copy();
        Ipv4Header ip;
        UdpHeader udp;
        c->RemoveHeader(ip);
        c->RemoveHeader(udp);
        if (udp.GetDestinationPort() != 49151) return;
        mcx::crypto::Bytes b(c->GetSize());
        c->CopyData(b.data(), b.size());
        sniffed.push_back(b);
      }));
  Simulator::Stop(Seconds(10));
  Simulator::Run();
  Simulator::Destroy();

  EXPECT_EQ(outcomes["taken"], 3u);   // m0, m2, m3 find a silent floor: 120 ms each
  EXPECT_EQ(outcomes["denied"], 1u);  // m1 asked while m0 held the floor
  EXPECT_GT(errors["no_gmk"], 0u);
  ASSERT_GE(sniffed.size(), 12u);
  auto withGmk = mcx::security::CallProtection::ForGroup(gmk, gmkId, rand, "sip:sniffer@x");
  auto wrongGmk = mcx::security::CallProtection::ForGroup(mcx::crypto::Bytes(16, 0x3d), gmkId, rand, "sip:sniffer@x");
  for (const auto& wire : sniffed) {
    EXPECT_FALSE(mcx::codec::Decode(wire).ok());  // not a readable MCPT message
    EXPECT_TRUE(withGmk.Unprotect(wire).ok());
    EXPECT_FALSE(wrongGmk.Unprotect(wire).ok());
  }
  EXPECT_EQ(wrongGmk.counters().auth_failed, sniffed.size());
}

TEST(OffnetCall, ScenarioMetricsHoldTogether) {
  mcx::scenarios::OffnetGroupCallParams p;
  p.duration_s = 30;
  p.members_without_gmk = 1;
  const auto r = mcx::scenarios::RunOffnetGroupCall(p);
  ASSERT_GT(r.stats.floor_messages, 10u);
  // SRTCP adds a 16-byte tag, the 4-byte index and the 8-byte MKI (GMK-ID || GUK-ID).
  EXPECT_EQ(r.stats.floor_protected_bytes - r.stats.floor_plain_bytes, 28 * r.stats.floor_messages);
  EXPECT_GT(r.stats.mouth_to_ear_ms.size(), 100u);
  EXPECT_GT(r.stats.access_ms.count("taken"), 0u);
  for (double a : r.stats.access_ms.at("taken")) EXPECT_NEAR(a, 120.0, 1e-6);  // C201 x T201, no arbitrator
  EXPECT_GT(r.stats.errors.at("no_gmk"), 0u);
  EXPECT_GT(r.stats.sidelink_packets_received, 0u);
  // TS 24.379 call setup: the first press finds no call (four probes, TFG1 150 ms) and starts one;
  // the other three members join on its announcement.
  ASSERT_EQ(r.stats.group_call_setup_ms.at("originated").size(), 1u);
  EXPECT_NEAR(r.stats.group_call_setup_ms.at("originated")[0], 150.0, 1e-6);
  EXPECT_EQ(r.stats.group_call_setup_ms.at("joined").size(), 3u);
  EXPECT_EQ(r.probes, 4u);
  EXPECT_GE(r.announcements, 3u);  // the first, then every 10 s x U(2/3, 4/3) from any member
}

TEST(OffnetCall, WithQueueingRequestsWaitForTheTalkerInsteadOfBeingDenied) {
  mcx::scenarios::OffnetGroupCallParams p;
  p.duration_s = 60;
  p.queueing = true;
  const auto r = mcx::scenarios::RunOffnetGroupCall(p);
  ASSERT_GT(r.stats.access_ms.count("granted_after_queue"), 0u);
  EXPECT_GT(r.stats.access_ms.at("granted_after_queue").size(), 0u);
  // A queued request waits for the talker's release: longer than a round trip.
  for (double ms : r.stats.access_ms.at("granted_after_queue")) EXPECT_GT(ms, 2 * 13.0);
  const size_t denied = r.stats.access_ms.count("denied") ? r.stats.access_ms.at("denied").size() : 0;
  EXPECT_LT(denied, r.stats.access_ms.at("granted_after_queue").size());
}

TEST(OffnetCall, WithoutCallSetupEveryoneIsInTheCallFromTheStart) {
  mcx::scenarios::OffnetGroupCallParams p;
  p.duration_s = 20;
  p.call_setup = false;
  const auto r = mcx::scenarios::RunOffnetGroupCall(p);
  EXPECT_TRUE(r.stats.group_call_setup_ms.empty());
  EXPECT_EQ(r.probes + r.announcements, 0u);
  EXPECT_GT(r.stats.floor_messages, 10u);
}

TEST(OffnetCall, PrivateCallsSetUpWithThePckOverTheSidelink) {
  mcx::scenarios::OffnetPrivateCallParams p;
  p.calls = 5;
  p.tfp1_ms = 100;
  const auto r = mcx::scenarios::RunOffnetPrivateCall(p);
  EXPECT_EQ(r.calls_established, 5u);
  EXPECT_TRUE(r.stats.errors.empty()) << r.stats.errors.begin()->first;
  for (double ms : r.call_setup_ms) {
    // Request (1.1 kB with the I_MESSAGE) and answer each take at least 13 ms over PC5, plus the
    // caller's SAKKE encapsulation and the callee's verification and decapsulation (x3 device).
    EXPECT_GT(ms, 2 * 13.0 + 3 * (1.46 + 0.027 + 0.089 + 3.19) - 1);
    EXPECT_LT(ms, 200.0);
  }
  ASSERT_GT(r.stats.floor_messages, 0u);
  // SRTCP under the PCK: 16-byte tag, 4-byte index, 4-byte MKI (the PCK-ID).
  EXPECT_EQ(r.stats.floor_protected_bytes - r.stats.floor_plain_bytes, 24 * r.stats.floor_messages);
  EXPECT_GT(r.stats.mouth_to_ear_ms.size(), 100u);
}

TEST(OffnetCall, ACalleeThatCannotOpenThePckRejectsTheCall) {
  mcx::scenarios::OffnetPrivateCallParams p;
  p.calls = 2;
  p.tfp1_ms = 100;
  p.foreign_callee = true;
  const auto r = mcx::scenarios::RunOffnetPrivateCall(p);
  EXPECT_EQ(r.calls_established, 0u);
  EXPECT_EQ(r.stats.errors.at("private_call_unknown_kms"), 2u);         // at the callee
  EXPECT_EQ(r.stats.errors.at("private_call_rejected_e2e_security"), 2u);  // at the caller
  EXPECT_EQ(r.stats.floor_messages, 0u);
}

// An attacker UE in range without the GMK: every packet it alters, replays or makes up is refused
// with a named, counted error, and the call goes on.
TEST(OffnetCall, AnAttackerInRangeIsRefusedPacketByPacketAndTheCallGoesOn) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"tamper", {"floor_authentication_failed", "media_authentication_failed"}},
      {"replay", {"floor_replay_detected", "media_replay_detected"}},
      {"flood", {"floor_unknown_mki"}},
  };
  for (const auto& [kind, errors] : cases) {
    const auto out =
        mcx::scenarios::FindScenario("offnet-group-call")->Run({{"duration", 40.0}, {"attack", kind}});
    const auto& m = out.metrics;
    EXPECT_GT(m.at("attack").at("sent").get<int>(), 0) << kind;
    for (const auto& e : errors) EXPECT_GT(m.at("errors").value(e, 0), 0) << kind << " " << e;
    for (const auto& [e, n] : m.at("errors").items())  // nothing but the protection's refusals
      EXPECT_TRUE(e.rfind("floor_", 0) == 0 || e.rfind("media_", 0) == 0) << kind << " " << e;
    EXPECT_GT(m.at("floor_outcomes").at("taken").at("count").get<int>(), 0) << kind;
    EXPECT_GT(m.at("mouth_to_ear_ms").at("count").get<int>(), 0) << kind;  // voice still heard
  }
}
