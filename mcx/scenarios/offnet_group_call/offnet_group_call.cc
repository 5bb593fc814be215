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

#include "mcx/crypto/base64.h"
#include "mcx/security/domain.h"
#include "mcx/security/kms.h"
#include "mcx/security/naming_plan.h"
#include "mcx/models/apps/helper/mcx_app_helper.h"
#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/shared/sidelink_world.h"

namespace mcx::scenarios {

using namespace ns3;

namespace {

// TS 33.180 5.7.2 step 2: every receiver check, then the member's key store keeps the GMK (with
// the activation, expiry and group its key parameters carry).
void AcceptGmk(crypto::ByteView message, const security::mikey_sakke::LocalIdentity& me,
               const security::mikey_sakke::KmsPublicInfo& kms, const std::string& gms_uri, uint64_t ntp_now,
               security::KeyStore& store) {
  security::mikey_sakke::ReceiveContext ctx;
  ctx.expected = security::mikey_sakke::Distribution::kGmk;
  ctx.ntp_now = ntp_now;
  ctx.kms = {kms};
  ctx.authorised_senders = {gms_uri};
  ctx.expected_group = OffnetGroupUri();  // a GMK for another group is refused (TS 33.180 5.7)
  if (auto st = store.AcceptIMessage(message, me, ctx); !st.ok())
    throw std::runtime_error(std::string("GMK rejected: ") + crypto::ErrorName(st.error()));
}

// Keys before going off-network (TS 33.180 5.3, 5.7): one KMS issues key sets to the GMS and to
// every UE; each UE validates its own. The GMS makes a GMK and sends it to each member as a signed
// MIKEY-SAKKE I_MESSAGE (one RAND for all, 7.4.2); each member runs every receiver check and keeps
// the GMK. UEs beyond `members` never receive one.
void KeysFromSetUpExchange(const OffnetGroupCallParams& p, const NodeContainer& nodes, crypto::Rng& keyRng) {
  const uint64_t ntp0 = security::UnixToNtpSeconds(security::naming::kEpochUnix);
  auto domain = security::Domain::Create(security::naming::KmsUri(), keyRng);
  if (!domain) throw std::runtime_error("KMS creation failed");
  auto gms = domain->Provision(p.gms_uri, ntp0, keyRng);
  if (!gms) throw std::runtime_error(std::string("GMS key set: ") + crypto::ErrorName(gms.error()));
  auto gmk = security::NewGmk(OffnetGroupUri(), keyRng);
  if (!gmk) throw std::runtime_error("random failure");
  for (uint32_t i = 0; i < p.members; ++i) {
    const std::string uri = security::naming::UeUri(i);
    auto me = domain->Provision(uri, ntp0, keyRng);
    if (!me) throw std::runtime_error(uri + ": key set rejected: " + crypto::ErrorName(me.error()));
    auto msg = security::GmkIMessage(*gmk, **gms, domain->info(), uri, domain->info(), ntp0, keyRng);
    if (!msg) throw std::runtime_error(std::string("GMK I_MESSAGE: ") + crypto::ErrorName(msg.error()));
    security::KeyStore& store = models::DeviceKeyStore::Of(nodes.Get(i))->keys();
    store.PutIdentity(*me);
    store.PutKms(domain->info());
    AcceptGmk(*msg, **me, domain->info(), p.gms_uri, ntp0 + 1, store);
  }
}

std::string ReadText(const std::filesystem::path& f) {
  std::ifstream in(f);
  if (!in) throw std::runtime_error("cannot read " + f.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Offline provisioning from the toolkit's files (mcxsim kms init / provision, mcxsim mikey create).
void KeysFromFiles(const OffnetGroupCallParams& p, const NodeContainer& nodes, uint64_t unix_now) {
  namespace fs = std::filesystem;
  const fs::path dir(p.key_dir);
  auto init = security::kms::ParseResponse(ReadText(dir / "kms-init.xml"));
  if (!init || init->certificates.empty()) throw std::runtime_error("kms-init.xml: no KMS certificate");
  auto kmsInfo = init->certificates.front().PublicInfo();
  if (!kmsInfo) throw std::runtime_error(std::string("KMS certificate: ") + crypto::ErrorName(kmsInfo.error()));
  for (uint32_t i = 0; i < p.members; ++i) {
    const std::string name = "ue" + std::to_string(i);
    auto prov = security::kms::ParseResponse(ReadText(dir / (name + ".xml")));
    if (!prov || prov->key_sets.empty()) throw std::runtime_error(name + ".xml: no key set");
    auto me = security::mikey_sakke::LocalIdentity::Create(prov->key_sets.front().ToIdentityKeys(), *kmsInfo);
    if (!me) throw std::runtime_error(name + ".xml: key set rejected: " + crypto::ErrorName(me.error()));
    auto identity = std::make_shared<const security::mikey_sakke::LocalIdentity>(std::move(me).value());
    security::KeyStore& store = models::DeviceKeyStore::Of(nodes.Get(i))->keys();
    store.PutIdentity(identity);
    store.PutKms(*kmsInfo);
    const fs::path gmkFile = dir / (name + "-gmk.b64");
    if (!fs::exists(gmkFile)) continue;  // never received the GMK
    std::string text = ReadText(gmkFile);
    text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
               text.end());
    auto message = crypto::Base64Decode(text);
    if (!message) throw std::runtime_error(gmkFile.string() + ": not base64");
    AcceptGmk(*message, *identity, *kmsInfo, p.gms_uri, security::UnixToNtpSeconds(unix_now), store);
  }
}

}  // namespace

OffnetGroupCallResult RunOffnetGroupCall(const OffnetGroupCallParams& p) {
  RunStreams streams(p.seeds);
  OffnetGroupCallResult r;
  r.params = p;
  const uint32_t n = p.members + p.members_without_gmk;

  NodeContainer nodes;
  nodes.Create(n);
  NodeContainer attacker;  // in the same disc, after the members (their positions stay as they were)
  if (p.attack != "none") attacker.Create(1);
  const NodeContainer all(nodes, attacker);
  MobilityHelper mobility;
  auto disc = CreateObject<UniformDiscPositionAllocator>();
  disc->SetRho(p.radius_m);
  disc->SetZ(1.5);
  streams.Used(disc->AssignStreams(streams.next()));
  mobility.SetPositionAllocator(disc);
  mobility.Install(all);

  Ptr<models::SlChannel> channel;
  NetDeviceContainer devices = InstallSidelinkIpv4(all, p.radio, streams, &channel);

  // The date the keys are checked at, and the call happens at.
  const uint64_t unix_now = p.key_dir.empty() ? security::naming::kEpochUnix
                                              : (p.unix_time ? p.unix_time : static_cast<uint64_t>(std::time(nullptr)));
  if (p.key_dir.empty())
    KeysFromSetUpExchange(p, nodes, *streams.NewDrbg("offnet-group-call keys"));
  else
    KeysFromFiles(p, nodes, unix_now);

  for (uint32_t i = 0; i < n; ++i) {
    bool holds = false;
    for (const security::StoredKey* k : models::DeviceKeyStore::Of(nodes.Get(i))->keys().Keys(security::KeyPurpose::kGmk))
      holds = holds || k->group_uri == OffnetGroupUri();
    r.members_with_gmk += holds;
  }

  Ptr<UniformRandomVariable> arrival = streams.NewUniform();
  models::OffnetMcpttHelper helper;
  helper.SetAttribute("GroupUri", StringValue(OffnetGroupUri()));
  helper.SetAttribute("StartUnixTime", UintegerValue(unix_now));
  helper.SetAttribute("T201", TimeValue(Seconds(p.t201_ms / 1000.0)));
  helper.SetAttribute("C201", UintegerValue(p.c201));
  helper.SetAttribute("GroupCallSetup", BooleanValue(p.call_setup));
  helper.SetAttribute("RefreshInterval", TimeValue(MilliSeconds(p.refresh_interval_ms)));
  helper.SetAttribute("Queueing", BooleanValue(p.queueing));
  helper.SetAttribute("TalkMean", TimeValue(Seconds(p.talk_mean_s)));
  for (uint32_t i = 0; i < n; ++i) {
    helper.SetAttribute("UserId", StringValue(security::naming::UeUri(i)));
    helper.SetAttribute("Ssrc", UintegerValue(0x5000 + i));
    helper.SetAttribute("PttMeanInterval", TimeValue(Seconds(i < p.members ? p.ptt_mean_interval_s : 0.0)));
    Ptr<models::OffnetMcpttApp> app = helper.Install(nodes.Get(i));
    streams.Used(app->AssignStreams(streams.next()));
    // ue0 starts the call; the others arrive uniformly within the arrival window.
    app->SetStartTime(Seconds(0.5 + (i > 0 ? arrival->GetValue(0.0, p.arrival_window_s) : 0.0)));
    app->SetStopTime(Seconds(p.duration_s));
    CollectOffnetStats(app, DynamicCast<models::SlNetDevice>(devices.Get(i)), r.stats);
    app->TraceConnectWithoutContext("DuplicateArbitrator", Callback<void>([&r]() { ++r.duplicate_arbitrators; }));
    app->TraceConnectWithoutContext("CallControlTx", Callback<void, std::string>([&r](std::string message) {
      ++(message == "probe" ? r.probes : r.announcements);
    }));
  }
  Ptr<models::OffnetAttackerApp> attack;
  if (p.attack != "none") {
    models::OffnetAttackerHelper ah;
    ah.SetAttribute("Kind", StringValue(p.attack));
    ah.SetAttribute("FloodRate", DoubleValue(p.flood_rate_pps));
    attack = ah.Install(attacker.Get(0));
    streams.Used(attack->AssignStreams(streams.next()));
    attack->SetStartTime(Seconds(0.5));
    attack->SetStopTime(Seconds(p.duration_s));
  }
  streams.AssignInternetStacks();
  channel->TraceConnectWithoutContext("Collision", Callback<void, uint32_t, uint32_t>([&r](uint32_t kind, uint32_t) {
    ++(kind == 0 ? r.collisions_pscch : r.collisions_pssch);
  }));

  RunSimulationUntil(Seconds(p.duration_s + 0.5));
  if (attack) r.attack_sent = attack->Sent();
  Simulator::Destroy();
  r.sim_end_s = p.duration_s + 0.5;
  return r;
}

}  // namespace mcx::scenarios
