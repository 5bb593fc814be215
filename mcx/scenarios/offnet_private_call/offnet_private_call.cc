#include "mcx/scenarios/offnet_private_call/offnet_private_call.h"

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include "mcx/security/domain.h"
#include "mcx/security/naming_plan.h"
#include "mcx/models/apps/helper/mcx_app_helper.h"
#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/shared/sidelink_world.h"

namespace mcx::scenarios {

using namespace ns3;
namespace ms = security::mikey_sakke;

OffnetPrivateCallResult RunOffnetPrivateCall(const OffnetPrivateCallParams& p) {
  RunStreams streams(p.seeds);
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
  NetDeviceContainer devices = InstallSidelinkIpv4(nodes, p.radio, streams);

  // Offline provisioning (TS 33.180 5.3, Annex D): one KMS domain issues both key sets for the
  // current key period; each UE validates its own (RSK and SSK checks) before going off-network.
  const uint64_t ntp0 = security::UnixToNtpSeconds(security::naming::kEpochUnix);
  std::unique_ptr<crypto::HmacDrbg> kmsRng = streams.NewDrbg("offnet-private-call kms");
  auto home = security::Domain::Create(security::naming::KmsUri(), *kmsRng);
  auto foreign = security::Domain::Create(security::naming::KmsUri(security::naming::kForeignDomain), *kmsRng);
  if (!home || !foreign) throw std::runtime_error("KMS creation failed");
  const std::string users[2] = {security::naming::UserUri("caller"), security::naming::UserUri("callee")};
  std::vector<Ptr<models::OffnetMcpttApp>> apps;
  for (int i = 0; i < 2; ++i) {
    const security::Domain& issuer = (i == 1 && p.foreign_callee) ? *foreign : *home;
    auto id = issuer.Provision(users[i], ntp0, *kmsRng);
    if (!id) throw std::runtime_error(std::string("key set rejected: ") + crypto::ErrorName(id.error()));
    // The UE's key store: its identity and its KMS's certificate (no other KMS is known to it).
    security::KeyStore& store = models::DeviceKeyStore::Of(nodes.Get(i))->keys();
    store.PutIdentity(*id);
    store.PutKms(issuer.info());
    models::OffnetMcpttHelper helper;
    helper.SetAttribute("UserId", StringValue(users[i]));
    helper.SetAttribute("Ssrc", UintegerValue(0x7000 + i));
    helper.SetAttribute("DeviceFactor", DoubleValue(p.device_factor));
    helper.SetAttribute("Tfp1", TimeValue(Seconds(p.tfp1_ms / 1000.0)));
    helper.SetAttribute("Cfp1", UintegerValue(p.cfp1));
    Ptr<models::OffnetMcpttApp> app = helper.Install(nodes.Get(i));
    streams.Used(app->AssignStreams(streams.next()));
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
  streams.AssignInternetStacks();
  const Ipv4Address callee = nodes.Get(1)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
  for (uint32_t k = 0; k < p.calls; ++k)
    Simulator::Schedule(Seconds(1.0 + k * p.call_interval_s), [&apps, callee, &users]() {
      apps[0]->CallPrivate(users[1], callee);
    });
  r.sim_end_s = 1.0 + p.calls * p.call_interval_s + 1.0;
  RunSimulationUntil(Seconds(r.sim_end_s));
  Simulator::Destroy();
  return r;
}

}  // namespace mcx::scenarios
