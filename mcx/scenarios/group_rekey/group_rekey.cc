#include "mcx/scenarios/group_rekey/group_rekey.h"

#include <ns3/core-module.h>
#include <ns3/network-module.h>

#include <cmath>
#include <set>

#include "mcx/crypto/op_count.h"
#include "mcx/models/apps/model/device_key_store.h"
#include "mcx/procedures/cost_model.h"
#include "mcx/models/apps/helper/mcx_app_helper.h"
#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/shared/onnet_world.h"

namespace mcx::scenarios {

using namespace ns3;
using namespace mcx::models;

namespace {

// What the run's trace sources report, gathered as they fire (the models keep no tallies).
struct Collector {
  GroupRekeyResult* r = nullptr;
  uint64_t kms_bytes = 0, gms_bytes = 0, mcx_bytes = 0;
  std::vector<uint64_t> ue_bytes;
  double kms_crypto = 0, gms_crypto = 0, mcx_crypto = 0;
  std::vector<double> ue_crypto;
  std::set<uint32_t> ues_with_csk;
  uint32_t mcx_gmks = 0;
};

}  // namespace

GroupRekeyResult RunGroupRekey(const GroupRekeyParams& p) {
  const OnnetWorldParams& w = p.world;
  GroupRekeyResult r;
  r.params = p;
  RunStreams streams(p.seeds);
  OnnetTopology t = BuildOnnetTopology(w, streams);
  OnnetApps apps = InstallOnnetApps(t, w, streams);
  Ptr<RogueGmsApp> rogue;
  if (p.attack != "none") {
    // A node of the network's own (a compromised or malicious user of the domain) on the core.
    Ptr<Node> node = CreateObject<Node>();
    AttachToCore(t, node, w);
    RogueGmsHelper helper;
    helper.SetAttribute("Kind", StringValue(p.attack));
    helper.SetAttribute("KmsAddress", Ipv4AddressValue(t.kms_ip));
    helper.SetAttribute("StartUnixTime", UintegerValue(w.start_unix));
    helper.SetAttribute("Tls", BooleanValue(w.tls));
    rogue = helper.Install(node);
    streams.Used(rogue->AssignStreams(streams.next()));
    rogue->SetStartTime(Seconds(0.5));
    for (uint32_t i = 0; i < w.members; ++i)
      rogue->AddTarget(UeUri(i), GroupUri(i % w.groups), t.ues.Get(i)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal());
    apps.gms->TraceConnectWithoutContext("GmkMessage", MakeCallback(&RogueGmsApp::Capture, rogue));
    rogue->TraceConnectWithoutContext("Answer", Callback<void, std::string, std::string>([&r](std::string, std::string res) {
                                        ++r.attack_answers[res];
                                      }));
  }
  ApplyOnnetFaults(t, w, streams);
  streams.AssignInternetStacks();
  Ptr<KmsApp> kms = apps.kms;
  Ptr<GmsApp> gms = apps.gms;
  Ptr<McxServerApp> mcx = apps.mcx;
  const std::vector<Ptr<UeApp>>& ues = apps.ues;
  const std::vector<std::vector<std::string>>& members = apps.members;
  const double ue_stagger = apps.ue_stagger_s;

  // Trace sources -> result.
  Collector c;
  c.r = &r;
  c.ue_bytes.assign(w.members, 0);
  c.ue_crypto.assign(w.members, 0.0);
  gms->TraceConnectWithoutContext(
      "RekeyOutcome", Callback<void, std::string, std::string, uint32_t, uint32_t, double, std::string>(
                          [&r](std::string g, std::string m, uint32_t id, uint32_t n, double lat, std::string result) {
                            r.answers.push_back(MemberAnswer{g, m, result, id, n, Simulator::Now().GetSeconds() - lat, lat});
                            if (result != "ok") ++r.errors["member_" + result];
                          }));
  gms->TraceConnectWithoutContext("RekeyStarted", Callback<void, std::string, uint32_t, uint32_t, uint64_t, uint64_t>(
                                                      [&r](std::string g, uint32_t id, uint32_t, uint64_t, uint64_t) {
                                                        if (g == GroupUri(0)) r.rekey_gmk_ids.push_back(id);
                                                        r.last_gmk_id[g] = id;
                                                      }));
  gms->TraceConnectWithoutContext("SignallingBytes", Callback<void, std::string, uint32_t>([&r](std::string k, uint32_t b) {
                                    r.signalling_bytes[k] += b;
                                  }));
  mcx->TraceConnectWithoutContext("Error", Callback<void, std::string>([&r](std::string e) { ++r.errors["mcx_server_" + e]; }));
  auto retried = Callback<void, std::string>([&r](std::string what) { ++r.retries[what]; });
  gms->TraceConnectWithoutContext("Retry", retried);
  mcx->TraceConnectWithoutContext("Retry", retried);
  for (const auto& ue : ues) ue->TraceConnectWithoutContext("Retry", retried);
  kms->TraceConnectWithoutContext("Tx", Callback<void, uint32_t>([&c](uint32_t b) { c.kms_bytes += b; }));
  gms->TraceConnectWithoutContext("Tx", Callback<void, uint32_t>([&c](uint32_t b) { c.gms_bytes += b; }));
  mcx->TraceConnectWithoutContext("Tx", Callback<void, uint32_t>([&c](uint32_t b) { c.mcx_bytes += b; }));
  kms->TraceConnectWithoutContext("CryptoJob", Callback<void, double>([&c](double s) { c.kms_crypto += s; }));
  gms->TraceConnectWithoutContext("CryptoJob", Callback<void, double>([&c](double s) { c.gms_crypto += s; }));
  mcx->TraceConnectWithoutContext("CryptoJob", Callback<void, double>([&c](double s) { c.mcx_crypto += s; }));
  DeviceKeyStore::Of(t.mcx)->TraceConnectWithoutContext(
      "KeyStored", Callback<void, uint32_t, std::string, std::string, bool>(
                       [&c](uint32_t, std::string purpose, std::string, bool revoked) {
                         if (purpose == security::KeyPurposeName(security::KeyPurpose::kGmk) && !revoked) ++c.mcx_gmks;  // the mixing option
                       }));
  for (uint32_t i = 0; i < w.members; ++i) {
    const std::string member = UeUri(i);
    ues[i]->TraceConnectWithoutContext("Provisioned", Callback<void, double>([&r, member](double s) {
                                         r.provisioning_s.push_back(s);
                                         r.provisioned_members.insert(member);
                                       }));
    ues[i]->TraceConnectWithoutContext("KeyActive", Callback<void, std::string, uint32_t>([&r](std::string, uint32_t) {
                                         ++r.keys_activated;
                                       }));
    ues[i]->TraceConnectWithoutContext("Registered", Callback<void>([&r, member]() {
                                         ++r.registered;
                                         r.registered_members.insert(member);
                                       }));
    ues[i]->TraceConnectWithoutContext("Error", Callback<void, std::string>([&r, member](std::string e) {
                                         ++r.errors["ue_" + e];
                                         r.last_error[member] = e;
                                       }));
    ues[i]->TraceConnectWithoutContext("GmkStored", Callback<void, std::string, uint32_t>([&r, member](std::string, uint32_t id) {
                                         ++r.keys_stored[member][id];
                                       }));
    ues[i]->TraceConnectWithoutContext("Tx", Callback<void, uint32_t>([&c, i](uint32_t b) { c.ue_bytes[i] += b; }));
    ues[i]->TraceConnectWithoutContext("CryptoJob", Callback<void, double>([&c, i](double s) { c.ue_crypto[i] += s; }));
    DeviceKeyStore::Of(t.ues.Get(i))->TraceConnectWithoutContext(
        "KeyStored", Callback<void, uint32_t, std::string, std::string, bool>(
                         [&c, i](uint32_t, std::string purpose, std::string, bool) {
                           if (purpose == security::KeyPurposeName(security::KeyPurpose::kCsk)) c.ues_with_csk.insert(i);  // the CSK upload (TS 33.180 5.4)
                         }));
  }

  // Schedule: the initial GMK once the GMS is provisioned, then K rekeys, far enough apart that
  // one is done before the next, with twice the crypto the cost model charges as the margin: a
  // UE's set-up (RSK and SSK checks, CSK upload) and the GMS's per member (encapsulate, sign).
  procedures::CostModel ue_cost, gms_cost;
  ue_cost.device_factor = w.ue_device_factor;
  gms_cost.device_factor = w.server_device_factor;
  crypto::OpCounts ue_setup, per_member;
  for (crypto::Op op : {crypto::Op::kSakkeRskValidate, crypto::Op::kEccsiSskValidate, crypto::Op::kSakkeEncapsulate,
                        crypto::Op::kEccsiSign})
    ue_setup.Add(op);
  per_member.Add(crypto::Op::kSakkeEncapsulate);
  per_member.Add(crypto::Op::kEccsiSign);
  const double gms_all_s = 2 * gms_cost.Seconds(per_member) * w.members / std::max<uint32_t>(1, w.gms_cores);
  auto whole_ms = [](double s) { return std::ceil(s * 1000) / 1000; };
  r.rekey_start_s = p.rekey_start_s > 0
                        ? p.rekey_start_s
                        : whole_ms(3.0 + ue_stagger * w.members + 2 * ue_cost.Seconds(ue_setup) + gms_all_s);
  r.rekey_interval_s =
      p.rekey_interval_s > 0 ? p.rekey_interval_s : whole_ms(3.0 + gms_all_s + (w.transport == "http" ? 1 : 0));
  for (uint32_t g = 0; g < w.groups; ++g) Simulator::Schedule(Seconds(0.9), &GmsApp::Rekey, gms, GroupUri(g));
  for (const auto& group : members)
    for (const auto& m : group)
      if (!(p.leave_before_last_rekey && p.rekeys > 0 && &group == &members[0] && m == members[0].back()))
        r.final_members.push_back({m, GroupUri(static_cast<uint32_t>(&group - &members[0]))});
  for (uint32_t k = 0; k < p.rekeys; ++k) {
    const double at = r.rekey_start_s + k * r.rekey_interval_s;
    if (p.leave_before_last_rekey && k + 1 == p.rekeys && !members[0].empty()) {
      Simulator::Schedule(Seconds(at), &GmsApp::RemoveMember, gms, GroupUri(0), members[0].back());
      for (uint32_t g = 1; g < w.groups; ++g) Simulator::Schedule(Seconds(at), &GmsApp::Rekey, gms, GroupUri(g));
      continue;
    }
    for (uint32_t g = 0; g < w.groups; ++g) Simulator::Schedule(Seconds(at), &GmsApp::Rekey, gms, GroupUri(g));
  }
  // The run ends `drain` after the last rekey's interval (and the last outage): 2 s, or with faults
  // 120 s, so that retransmissions (Timer F is 64 T1) and retries can bring everyone the key.
  const bool faults = w.signalling_loss > 0 || !w.kms_outage_s.empty() || !w.gms_outage_s.empty();
  const double drain = p.drain_s > 0 ? p.drain_s : faults ? 120.0 : 2.0;
  double last_event = r.rekey_start_s + p.rekeys * r.rekey_interval_s;  // one interval past the last rekey
  for (const auto* o : {&w.kms_outage_s, &w.gms_outage_s})
    if (o->size() == 2) last_event = std::max(last_event, (*o)[0] + (*o)[1]);
  if (rogue) {
    // By default half an interval after the first rekey: the members hold the current GMK, and the
    // GMS's earlier messages (the initial key's) are on record for a replay.
    const double at = p.attack_at_s > 0 ? p.attack_at_s : r.rekey_start_s + r.rekey_interval_s / 2;
    rogue->SetAttribute("AttackTime", TimeValue(Seconds(at)));
    last_event = std::max(last_event, at + 2.0);
  }
  r.sim_end_s = last_event + drain;
  RunSimulationUntil(Seconds(r.sim_end_s));

  // Totals.
  if (rogue) r.attack_sent = rogue->Sent();
  r.signalling_bytes["kms_total"] = c.kms_bytes;
  r.signalling_bytes["gms_total"] = c.gms_bytes;
  r.signalling_bytes["mcx_server_total"] = c.mcx_bytes;
  uint64_t ue_bytes = 0;
  double ue_crypto = 0;
  for (uint32_t i = 0; i < w.members; ++i) {
    ue_bytes += c.ue_bytes[i];
    ue_crypto += c.ue_crypto[i];
  }
  r.signalling_bytes["ues_total"] = ue_bytes;
  r.csk_uploaded = static_cast<uint32_t>(c.ues_with_csk.size());
  r.mcx_server_gmks = c.mcx_gmks;
  r.crypto_seconds["kms"] = c.kms_crypto;
  r.crypto_seconds["gms"] = c.gms_crypto;
  r.crypto_seconds["mcx_server"] = c.mcx_crypto;
  r.crypto_seconds["ues"] = ue_crypto;
  Simulator::Destroy();
  return r;
}

}  // namespace mcx::scenarios
