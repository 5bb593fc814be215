#include "mcx/scenarios/group_rekey/group_rekey.h"

#include <ns3/core-module.h>
#include <ns3/network-module.h>

#include <deque>

#include "mcx/scenarios/shared/onnet_world.h"

namespace mcx::scenarios {
using procedures::GmsService;
using procedures::McxServer;

using namespace ns3;
using namespace mcx::models;

GroupRekeyResult RunGroupRekey(const GroupRekeyParams& p) {
  GroupRekeyResult r;
  r.params = p;
  RngSeedManager::SetSeed(static_cast<uint32_t>(p.seed % 0xffffffffu) + 1);
  RngSeedManager::SetRun(1);
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1400));
  OnnetTopology t = BuildOnnetTopology(p);

  OnnetApps apps = InstallOnnetApps(t, p);
  Ptr<KmsApp> kms = apps.kms;
  Ptr<GmsApp> gms = apps.gms;
  Ptr<McxServerApp> mcx = apps.mcx;
  const std::vector<Ptr<UeApp>>& ues = apps.ues;
  const std::vector<std::vector<std::string>>& members = apps.members;
  const double ue_stagger = apps.ue_stagger_s;

  // Traces -> result (the collector lives here, the models only fire traces).
  gms->TraceConnectWithoutContext(
      "RekeyOutcome", MakeCallback(+[](GroupRekeyResult* res, std::string g, std::string m, uint32_t id, uint32_t n,
                                        double lat, std::string result) {
                        res->answers.push_back(MemberAnswer{g, m, result, id, n, Simulator::Now().GetSeconds() - lat, lat});
                        if (result != "ok") ++res->errors["member_" + result];
                      }).Bind(&r));
  gms->TraceConnectWithoutContext(
      "RekeyStarted", MakeCallback(+[](GroupRekeyResult* res, std::string g, uint32_t id, uint32_t, uint64_t, uint64_t) {
                        if (g == GroupUri(0)) res->rekey_gmk_ids.push_back(id);
                      }).Bind(&r));
  mcx->TraceConnectWithoutContext("Error", MakeCallback(+[](GroupRekeyResult* res, std::string e) {
                                            ++res->errors["mcx_server_" + e];
                                          }).Bind(&r));
  std::deque<std::pair<GroupRekeyResult*, std::string>> key_ctx;  // lives until the run ends
  for (uint32_t i = 0; i < p.members; ++i) {
    key_ctx.emplace_back(&r, UeUri(i));
    ues[i]->TraceConnectWithoutContext("Provisioned", MakeCallback(+[](GroupRekeyResult* res, double s) {
                                                        res->provisioning_s.push_back(s);
                                                      }).Bind(&r));
    ues[i]->TraceConnectWithoutContext("KeyActive", MakeCallback(+[](GroupRekeyResult* res, std::string, uint32_t) {
                                                      ++res->keys_activated;
                                                    }).Bind(&r));
    ues[i]->TraceConnectWithoutContext("Registered", MakeCallback(+[](GroupRekeyResult* res) { ++res->registered; }).Bind(&r));
    ues[i]->TraceConnectWithoutContext("Error", MakeCallback(+[](GroupRekeyResult* res, std::string e) {
                                                  ++res->errors["ue_" + e];
                                                }).Bind(&r));
    ues[i]->TraceConnectWithoutContext(
        "KeyStored", MakeCallback(+[](std::pair<GroupRekeyResult*, std::string>* ctx, std::string, uint32_t id) {
                       ++ctx->first->keys_stored[ctx->second][id];
                     }).Bind(&key_ctx.back()));
  }

  // Schedule: initial GMK once the GMS is provisioned, then K rekeys.
  const double crypto_per_ue = 0.02 * p.ue_device_factor;
  r.rekey_start_s = p.rekey_start_s > 0 ? p.rekey_start_s
                                         : 3.0 + ue_stagger * p.members + crypto_per_ue * 2 +
                                               0.003 * p.members / std::max<uint32_t>(1, p.gms_cores);
  r.rekey_interval_s = p.rekey_interval_s > 0
                           ? p.rekey_interval_s
                           : 3.0 + 0.003 * p.members / std::max<uint32_t>(1, p.gms_cores) + (p.transport == "http" ? 1 : 0);
  for (uint32_t g = 0; g < p.groups; ++g) Simulator::Schedule(Seconds(0.9), &GmsApp::Rekey, gms, GroupUri(g));
  for (uint32_t k = 0; k < p.rekeys; ++k) {
    const double at = r.rekey_start_s + k * r.rekey_interval_s;
    if (p.leave_before_last_rekey && k + 1 == p.rekeys && !members[0].empty()) {
      Simulator::Schedule(Seconds(at), &GmsApp::RemoveMember, gms, GroupUri(0), members[0].back());
      for (uint32_t g = 1; g < p.groups; ++g) Simulator::Schedule(Seconds(at), &GmsApp::Rekey, gms, GroupUri(g));
      continue;
    }
    for (uint32_t g = 0; g < p.groups; ++g) Simulator::Schedule(Seconds(at), &GmsApp::Rekey, gms, GroupUri(g));
  }
  r.sim_end_s = r.rekey_start_s + p.rekeys * r.rekey_interval_s + 2.0;
  Simulator::Stop(Seconds(r.sim_end_s));
  Simulator::Run();

  // Totals.
  if (const GmsService* s = gms->service())
    for (const auto& [k, v] : s->bytes_by_procedure()) r.signalling_bytes[k] = v;
  r.signalling_bytes["kms_total"] = kms->bytes_sent();
  r.signalling_bytes["gms_total"] = gms->bytes_sent();
  r.signalling_bytes["mcx_server_total"] = mcx->bytes_sent();
  uint64_t ue_bytes = 0;
  double ue_crypto = 0;
  for (auto& ue : ues) {
    ue_bytes += ue->bytes_sent();
    ue_crypto += ue->crypto_seconds();
    if (ue->client() && ue->client()->key_store().Keys(security::KeyPurpose::kCsk).size()) ++r.csk_uploaded;
  }
  r.signalling_bytes["ues_total"] = ue_bytes;
  if (const McxServer* s = mcx->server()) r.mcx_server_gmks = static_cast<uint32_t>(s->gmk_count());
  r.crypto_seconds["kms"] = kms->crypto_seconds();
  r.crypto_seconds["gms"] = gms->crypto_seconds();
  r.crypto_seconds["mcx_server"] = mcx->crypto_seconds();
  r.crypto_seconds["ues"] = ue_crypto;
  Simulator::Destroy();
  return r;
}

}  // namespace mcx::scenarios
