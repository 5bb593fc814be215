#include "mcx/scenarios/offnet_group_call/offnet_group_call.h"

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include "mcx/crypto/base64.h"
#include "mcx/security/kms.h"
#include "mcx/models/apps/model/offnet_mcptt_app.h"
#include "mcx/scenarios/shared/sidelink_world.h"

namespace mcx::scenarios {

using namespace ns3;

namespace {

struct HeldGmk {
  crypto::Bytes gmk, rand;
  uint32_t gmk_id;
};

// TS 33.180 5.7.2 step 2: every receiver check, then the member keeps the GMK.
HeldGmk Accept(crypto::ByteView message, const security::mikey_sakke::LocalIdentity& me,
               const security::mikey_sakke::ReceiveContext& ctx) {
  auto got = security::mikey_sakke::ProcessIMessage(message, me, ctx);
  if (!got) throw std::runtime_error(std::string("GMK rejected: ") + crypto::ErrorName(got.error()));
  return HeldGmk{got->key.view().ToBytes(), got->rand, got->key_id};
}

std::vector<std::optional<HeldGmk>> KeysFromSetUpExchange(const OffnetGroupCallParams& p, uint32_t n) {
  // Keys before going off-network (TS 33.180 5.3, 5.7): one KMS issues key sets to the GMS and
  // to every UE; each UE validates its own. The GMS makes a GMK and sends it to each member as a
  // signed MIKEY-SAKKE I_MESSAGE (one RAND for all, 7.4.2); each member runs every receiver check
  // and keeps the GMK. UEs beyond `members` never receive one.
  const uint64_t unix0 = 1790000000, ntp0 = security::UnixToNtpSeconds(unix0);
  crypto::HmacDrbg keyRng(p.seed, "offnet-group-call keys");
  auto kms = security::kms::Kms::Create("kms.mcx.example.org", security::KeyPeriod{2592000, 0}, keyRng);
  if (!kms) throw std::runtime_error("KMS creation failed");
  const auto kmsInfo = *kms->certificate().PublicInfo();
  auto identity = [&](const std::string& uri) {
    auto ks = kms->Provision(uri, ntp0, keyRng);
    if (!ks) throw std::runtime_error("provisioning failed");
    auto id = security::mikey_sakke::LocalIdentity::Create(ks->ToIdentityKeys(), kmsInfo);
    if (!id) throw std::runtime_error(std::string("key set rejected: ") + crypto::ErrorName(id.error()));
    return std::move(id).value();
  };
  const std::string gmsUri = p.gms_uri, groupUri = "sip:group1@mcx.example.org";
  const auto gms = identity(gmsUri);
  auto gmk = keyRng.Generate(16);
  auto gmkId = security::NewKeyId(security::KeyPurpose::kGmk, keyRng);
  auto rand = keyRng.Generate(16);
  if (!gmk || !gmkId || !rand) throw std::runtime_error("random failure");
  std::vector<std::optional<HeldGmk>> held(n);
  for (uint32_t i = 0; i < p.members; ++i) {
    const std::string uri = "sip:ue" + std::to_string(i) + "@mcx.example.org";
    const auto me = identity(uri);
    security::mikey_sakke::SendOptions opt;
    opt.group_uri = groupUri;
    opt.rand = rand->view().ToBytes();
    auto msg = security::mikey_sakke::CreateIMessage(security::mikey_sakke::Distribution::kGmk, gms, kmsInfo, uri, kmsInfo,
                                                  *gmkId, *gmk, opt, ntp0, keyRng);
    if (!msg) throw std::runtime_error(std::string("GMK I_MESSAGE: ") + crypto::ErrorName(msg.error()));
    security::mikey_sakke::ReceiveContext ctx;
    ctx.expected = security::mikey_sakke::Distribution::kGmk;
    ctx.ntp_now = ntp0 + 1;
    ctx.kms = {kmsInfo};
    ctx.authorised_senders = {gmsUri};
    held[i] = Accept(msg->message, me, ctx);
  }
  return held;
}

std::string ReadText(const std::filesystem::path& f) {
  std::ifstream in(f);
  if (!in) throw std::runtime_error("cannot read " + f.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Offline provisioning from the toolkit's files (mcxsim kms init / provision, mcxsim mikey create).
std::vector<std::optional<HeldGmk>> KeysFromFiles(const OffnetGroupCallParams& p, uint32_t n) {
  namespace fs = std::filesystem;
  const fs::path dir(p.key_dir);
  auto init = security::kms::ParseResponse(ReadText(dir / "kms-init.xml"));
  if (!init || init->certificates.empty()) throw std::runtime_error("kms-init.xml: no KMS certificate");
  auto kmsInfo = init->certificates.front().PublicInfo();
  if (!kmsInfo) throw std::runtime_error(std::string("KMS certificate: ") + crypto::ErrorName(kmsInfo.error()));
  const uint64_t unixNow = p.unix_time ? p.unix_time : static_cast<uint64_t>(std::time(nullptr));
  std::vector<std::optional<HeldGmk>> held(n);
  for (uint32_t i = 0; i < p.members; ++i) {
    const std::string name = "ue" + std::to_string(i);
    auto prov = security::kms::ParseResponse(ReadText(dir / (name + ".xml")));
    if (!prov || prov->key_sets.empty()) throw std::runtime_error(name + ".xml: no key set");
    auto me = security::mikey_sakke::LocalIdentity::Create(prov->key_sets.front().ToIdentityKeys(), *kmsInfo);
    if (!me) throw std::runtime_error(name + ".xml: key set rejected: " + crypto::ErrorName(me.error()));
    const fs::path gmkFile = dir / (name + "-gmk.b64");
    if (!fs::exists(gmkFile)) continue;  // never received the GMK
    std::string text = ReadText(gmkFile);
    text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
               text.end());
    auto message = crypto::Base64Decode(text);
    if (!message) throw std::runtime_error(gmkFile.string() + ": not base64");
    security::mikey_sakke::ReceiveContext ctx;
    ctx.expected = security::mikey_sakke::Distribution::kGmk;
    ctx.ntp_now = security::UnixToNtpSeconds(unixNow);
    ctx.kms = {*kmsInfo};
    ctx.authorised_senders = {p.gms_uri};
    held[i] = Accept(*message, *me, ctx);
  }
  return held;
}

}  // namespace

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

  Ptr<models::SlChannel> channel;
  NetDeviceContainer devices = InstallSidelinkIpv4(nodes, p.radio, p.seed, &channel);

  const std::vector<std::optional<HeldGmk>> held =
      p.key_dir.empty() ? KeysFromSetUpExchange(p, n) : KeysFromFiles(p, n);

  std::mt19937_64 rng(p.seed * 0x9e3779b97f4a7c15ull + 17);
  std::uniform_real_distribution<double> arrival(0.0, p.arrival_window_s);
  for (uint32_t i = 0; i < n; ++i) {
    auto app = CreateObject<models::OffnetMcpttApp>();
    app->SetAttribute("UserId", StringValue("sip:ue" + std::to_string(i) + "@mcx.example.org"));
    app->SetAttribute("Ssrc", UintegerValue(0x5000 + i));
    app->SetAttribute("T201", DoubleValue(p.t201_ms / 1000.0));
    app->SetAttribute("C201", UintegerValue(p.c201));
    app->SetAttribute("GroupCallSetup", BooleanValue(p.call_setup));
    app->SetAttribute("RefreshInterval", UintegerValue(p.refresh_interval_ms));
    app->SetAttribute("Queueing", BooleanValue(p.queueing));
    app->SetAttribute("PttMeanInterval", DoubleValue(i < p.members ? p.ptt_mean_interval_s : 0.0));
    app->SetAttribute("TalkMean", DoubleValue(p.talk_mean_s));
    app->AssignStreams(static_cast<int64_t>(p.seed) * 1000000 + 3 * i);
    if (held[i]) app->SetGroupKey(held[i]->gmk, held[i]->gmk_id, held[i]->rand);
    nodes.Get(i)->AddApplication(app);
    app->SetStartTime(Seconds(0.5 + (i > 0 ? arrival(rng) : 0.0)));
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
    if (const procedures::GroupCallControl* g = app->group_call()) {
      r.probes += g->probes_sent();
      r.announcements += g->announcements_sent();
    }
  }
  Simulator::Destroy();
  r.sim_end_s = p.duration_s + 0.5;
  return r;
}

}  // namespace mcx::scenarios
