#include "offnet_group_call.h"

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include <optional>

#include "mcx/crypto/kms.h"

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

  // Keys before going off-network (TS 33.180 5.3, 5.7): one KMS issues key sets to the GMS and
  // to every UE; each UE validates its own. The GMS makes a GMK and sends it to each member as a
  // signed MIKEY-SAKKE I_MESSAGE (one RAND for all, 7.4.2); each member runs every receiver check
  // and keeps the GMK. UEs beyond `members` never receive one.
  const uint64_t unix0 = 1790000000, ntp0 = crypto::UnixToNtpSeconds(unix0);
  crypto::HmacDrbg keyRng(p.seed, "offnet-group-call keys");
  auto kms = crypto::kms::Kms::Create("kms.mcx.example.org", crypto::KeyPeriod{2592000, 0}, keyRng);
  if (!kms) throw std::runtime_error("KMS creation failed");
  const auto kmsInfo = *kms->certificate().PublicInfo();
  auto identity = [&](const std::string& uri) {
    auto ks = kms->Provision(uri, ntp0, keyRng);
    if (!ks) throw std::runtime_error("provisioning failed");
    auto id = crypto::mikey_sakke::LocalIdentity::Create(ks->ToIdentityKeys(), kmsInfo);
    if (!id) throw std::runtime_error(std::string("key set rejected: ") + crypto::ErrorName(id.error()));
    return std::move(id).value();
  };
  const std::string gmsUri = "sip:gms@mcx.example.org", groupUri = "sip:group1@mcx.example.org";
  const auto gms = identity(gmsUri);
  auto gmk = keyRng.Generate(16);
  auto gmkId = crypto::NewKeyId(crypto::KeyPurpose::kGmk, keyRng);
  auto rand = keyRng.Generate(16);
  if (!gmk || !gmkId || !rand) throw std::runtime_error("random failure");
  struct HeldGmk {
    crypto::Bytes gmk, rand;
    uint32_t gmk_id;
  };
  std::vector<std::optional<HeldGmk>> held(n);
  for (uint32_t i = 0; i < p.members; ++i) {
    const std::string uri = "sip:ue" + std::to_string(i) + "@mcx.example.org";
    const auto me = identity(uri);
    crypto::mikey_sakke::SendOptions opt;
    opt.group_uri = groupUri;
    opt.rand = rand->view().ToBytes();
    auto msg = crypto::mikey_sakke::CreateIMessage(crypto::mikey_sakke::Distribution::kGmk, gms, kmsInfo, uri, kmsInfo,
                                                  *gmkId, *gmk, opt, ntp0, keyRng);
    if (!msg) throw std::runtime_error(std::string("GMK I_MESSAGE: ") + crypto::ErrorName(msg.error()));
    crypto::mikey_sakke::ReceiveContext ctx;
    ctx.expected = crypto::mikey_sakke::Distribution::kGmk;
    ctx.ntp_now = ntp0 + 1;
    ctx.kms = {kmsInfo};
    ctx.authorised_senders = {gmsUri};
    auto got = crypto::mikey_sakke::ProcessIMessage(msg->message, me, ctx);
    if (!got) throw std::runtime_error(std::string("GMK rejected: ") + crypto::ErrorName(got.error()));
    held[i] = HeldGmk{got->key.view().ToBytes(), got->rand, got->key_id};
  }

  for (uint32_t i = 0; i < n; ++i) {
    auto app = CreateObject<models::OffnetMcpttApp>();
    app->SetAttribute("UserId", StringValue("sip:ue" + std::to_string(i) + "@mcx.example.org"));
    app->SetAttribute("Ssrc", UintegerValue(0x5000 + i));
    app->SetAttribute("T201", DoubleValue(p.t201_ms / 1000.0));
    app->SetAttribute("C201", UintegerValue(p.c201));
    app->SetAttribute("PttMeanInterval", DoubleValue(i < p.members ? p.ptt_mean_interval_s : 0.0));
    app->SetAttribute("TalkMean", DoubleValue(p.talk_mean_s));
    if (held[i]) app->SetGroupKey(held[i]->gmk, held[i]->gmk_id, held[i]->rand);
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
