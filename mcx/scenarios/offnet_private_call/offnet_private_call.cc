#include "mcx/scenarios/offnet_private_call/offnet_private_call.h"

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include "mcx/security/kms.h"
#include "mcx/models/apps/model/offnet_mcptt_app.h"
#include "mcx/scenarios/shared/sidelink_world.h"

namespace mcx::scenarios {

using namespace ns3;
namespace ms = security::mikey_sakke;

OffnetPrivateCallResult RunOffnetPrivateCall(const OffnetPrivateCallParams& p) {
  RngSeedManager::SetSeed(1);
  RngSeedManager::SetRun(p.seed);
  OffnetPrivateCallResult r;
  r.params = p;

  NodeContainer nodes;
  nodes.Create(2);
  MobilityHelper mobility;
  auto pos = CreateObject<ListPositionAllocator>();
  pos->Add(Vector(0, 0, 1.5));
  pos->Add(Vector(p.distance_m, 0, 1.5));
  mobility.SetPositionAllocator(pos);
  mobility.Install(nodes);
  NetDeviceContainer devices = InstallSidelinkIpv4(nodes, p.radio, p.seed);

  // Offline provisioning (TS 33.180 5.3, Annex D): one KMS domain issues both key sets for the
  // current key period; each UE validates its own (RSK and SSK checks) before going off-network.
  const uint64_t unix0 = 1790000000;
  crypto::HmacDrbg kmsRng(p.seed, "offnet-private-call kms");
  auto kms = security::kms::Kms::Create("kms.mcx.example.org", security::KeyPeriod{2592000, 0}, kmsRng);
  auto foreign = security::kms::Kms::Create("kms.elsewhere.example.org", security::KeyPeriod{2592000, 0}, kmsRng);
  if (!kms || !foreign) throw std::runtime_error("KMS creation failed");
  const std::string users[2] = {"sip:caller@mcx.example.org", "sip:callee@mcx.example.org"};
  std::vector<Ptr<models::OffnetMcpttApp>> apps;
  for (int i = 0; i < 2; ++i) {
    const security::kms::Kms& issuer = (i == 1 && p.foreign_callee) ? *foreign : *kms;
    auto ks = issuer.Provision(users[i], security::UnixToNtpSeconds(unix0), kmsRng);
    auto info = issuer.certificate().PublicInfo();
    if (!ks || !info) throw std::runtime_error("provisioning failed");
    auto id = ms::LocalIdentity::Create(ks->ToIdentityKeys(), *info);
    if (!id) throw std::runtime_error(std::string("key set rejected: ") + crypto::ErrorName(id.error()));
    auto app = CreateObject<models::OffnetMcpttApp>();
    app->SetAttribute("UserId", StringValue(users[i]));
    app->SetAttribute("Ssrc", UintegerValue(0x7000 + i));
    app->SetAttribute("DeviceFactor", DoubleValue(p.device_factor));
    app->SetAttribute("Tfp1", DoubleValue(p.tfp1_ms / 1000.0));
    app->SetAttribute("Cfp1", UintegerValue(p.cfp1));
    app->SetIdentity(std::make_shared<const ms::LocalIdentity>(std::move(id).value()), {*info});
    nodes.Get(i)->AddApplication(app);
    app->SetStartTime(Seconds(0.5));
    app->TraceConnectWithoutContext("CallEstablished", Callback<void, double, bool>([&r, a = PeekPointer(app), &p](double s, bool caller) {
      if (!caller) return;
      ++r.calls_established;
      r.call_setup_ms.push_back(s * 1000);
      a->Talk(p.talk_s);
    }));
    CollectOffnetStats(app, DynamicCast<models::SlNetDevice>(devices.Get(i)), r.stats);
    apps.push_back(app);
  }
  const Ipv4Address callee = nodes.Get(1)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
  for (uint32_t k = 0; k < p.calls; ++k)
    Simulator::Schedule(Seconds(1.0 + k * p.call_interval_s), [&apps, callee, &users]() {
      apps[0]->CallPrivate(users[1], callee);
    });
  r.sim_end_s = 1.0 + p.calls * p.call_interval_s + 1.0;
  Simulator::Stop(Seconds(r.sim_end_s));
  Simulator::Run();
  Simulator::Destroy();
  return r;
}

}  // namespace mcx::scenarios
