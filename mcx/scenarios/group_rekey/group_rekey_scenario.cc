// group-rekey as the command line runs it: its parameters and metrics, declared once, and how a
// run's result becomes summary.json, rekey_events.csv and the terminal lines.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "mcx/scenarios/group_rekey/group_rekey.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/scenarios/shared/summary.h"
#include "mcx/scenarios/shared/expected_flows.h"

namespace mcx::scenarios {

using nlohmann::json;

namespace {

json Metrics(const GroupRekeyResult& r) {
  std::vector<double> lat;
  std::map<std::pair<std::string, uint32_t>, double> completion;
  for (const auto& a : r.answers) {
    if (a.result != "ok") continue;
    if (a.rekey >= 1) {
      lat.push_back(a.latency_s);
      double& c = completion[{a.group, a.rekey}];
      c = std::max(c, a.latency_s);
    }
  }
  std::vector<double> comp;
  for (const auto& [k, v] : completion) comp.push_back(v);
  // Members holding their group's last GMK (rekeys the GMS had to postpone count as one).
  uint32_t rekeyed = 0;
  if (r.params.rekeys > 0)
    for (const auto& [member, group] : r.final_members) {
      const auto last = r.last_gmk_id.find(group);
      bool ok = false;
      for (const auto& a : r.answers)
        ok = ok || (last != r.last_gmk_id.end() && a.member == member && a.gmk_id == last->second && a.result == "ok");
      rekeyed += ok ? 1 : 0;
    }
  json m;
  m["rekey_latency_ms"] = Percentiles(lat, 1000);
  m["rekey_completion_ms"] = Percentiles(comp, 1000);
  m["members_total"] = r.params.world.members;
  m["members_rekeyed"] = rekeyed;
  m["members_registered"] = r.registered;
  m["csk_uploaded"] = r.csk_uploaded;
  m["keys_activated"] = r.keys_activated;
  m["mcx_server_gmks"] = r.mcx_server_gmks;
  json prov = Percentiles(r.provisioning_s, 1000);
  m["provisioning_ms"] = {{"p50", prov["p50"]}, {"p95", prov["p95"]}, {"count", prov["count"]}};
  m["signalling_bytes"] = r.signalling_bytes;
  m["errors"] = r.errors;
  json crypto;
  for (const auto& [k, v] : r.crypto_seconds) crypto[k] = std::round(v * 1e6) / 1e3;
  m["crypto_time_ms"] = crypto;
  m["schedule_s"] = {{"rekey_start", r.rekey_start_s}, {"rekey_interval", r.rekey_interval_s}, {"end", r.sim_end_s}};
  m["retries"] = r.retries;
  m["attack"] = r.params.attack == "none"
                    ? json()
                    : json{{"kind", r.params.attack}, {"sent", r.attack_sent}, {"answers", r.attack_answers}};
  // Who does not hold its group's last GMK, and why: the GMS's record of the member's answer, else
  // the last failure the member reported, else no answer at all.
  json unreached = json::array();
  double converged = 0;
  for (const auto& [member, group] : r.final_members) {
    const auto last = r.last_gmk_id.find(group);
    std::string why = last == r.last_gmk_id.end() ? "no_gmk_issued" : "no_answer";
    for (const auto& a : r.answers)
      if (last != r.last_gmk_id.end() && a.member == member && a.gmk_id == last->second) {
        why = a.result;
        if (a.result == "ok") converged = std::max(converged, a.start_s + a.latency_s);
      }
    if ((why == "no_answer" || why == "no_gmk_issued") && r.last_error.count(member)) why = r.last_error.at(member);
    // No answer and no failure: the member was still working through its set-up when the run
    // ended (a longer --drain may see it through).
    const bool silent = why == "no_answer" || why == "no_gmk_issued";
    if (silent && !r.provisioned_members.count(member)) why = "run_ended_provisioning";
    else if (silent && !r.registered_members.count(member)) why = "run_ended_registering";
    if (why != "ok") unreached.push_back({{"member", member}, {"reason", why}});
  }
  m["unreached_members"] = unreached;
  // From the last rekey's start (as scheduled) to the last answer to the last GMKs.
  const double last_rekey_s = r.rekey_start_s + (r.params.rekeys - 1.0) * r.rekey_interval_s;
  m["converged_ms"] = r.params.rekeys > 0 && unreached.empty()
                          ? json(std::round(std::max(0.0, converged - last_rekey_s) * 1e6) / 1e3)
                          : json();
  return m;
}

std::string EventsCsv(const GroupRekeyResult& r) {
  std::ostringstream out;
  out << "group,member,rekey,gmk_id,start_s,latency_ms,result\n";
  for (const auto& a : r.answers) {
    char id[16];
    std::snprintf(id, sizeof id, "%08x", a.gmk_id);
    out << a.group << ',' << a.member << ',' << a.rekey << ',' << id << ',' << a.start_s << ','
        << std::round(a.latency_s * 1e6) / 1e3 << ',' << a.result << '\n';
  }
  return out.str();
}

std::string Report(const GroupRekeyResult& r, const json& m) {
  const GroupRekeyParams& p = r.params;
  char b[2048];
  std::snprintf(b, sizeof b,
                "group-rekey: %u members in %u group(s), access %s, GMK by %s, %u rekeys, seed %u run %llu\n"
                "  provisioned: %zu/%u (p50 %s ms), registered %u, CSKs uploaded %u\n"
                "  rekey latency (GMS start -> member stored and answered): p50 %s ms, p95 %s ms, max %s ms (%zu answers)\n"
                "  rekey completion (to the last member): p50 %s ms, max %s ms; members rekeyed %u/%u\n"
                "  errors: %s\n",
                p.world.members, p.world.groups, p.world.access.c_str(), p.world.transport.c_str(), p.rekeys,
                p.seeds.seed, (unsigned long long)p.seeds.run, r.provisioning_s.size(), p.world.members,
                Ms(m["provisioning_ms"]["p50"]).c_str(), r.registered, r.csk_uploaded,
                Ms(m["rekey_latency_ms"]["p50"]).c_str(), Ms(m["rekey_latency_ms"]["p95"]).c_str(),
                Ms(m["rekey_latency_ms"]["max"]).c_str(), m["rekey_latency_ms"]["count"].get<size_t>(),
                Ms(m["rekey_completion_ms"]["p50"]).c_str(), Ms(m["rekey_completion_ms"]["max"]).c_str(),
                m["members_rekeyed"].get<uint32_t>(), p.world.members,
                m["errors"].empty() ? "none" : m["errors"].dump().c_str());
  return b;
}

ParamList<GroupRekeyParams> Params() {
  using P = GroupRekeyParams;
  ParamList<P> l;
  l.Include(&P::world, OnnetWorldParamList({}));
  l.Section("rekeys")
      .Count("rekeys", &P::rekeys, 0, 100000, "", "rekeys after the initial GMK")
      .Real("rekey-start", &P::rekey_start_s, 0, 1e7, "s", "the first rekey (0: chosen from the population size)")
      .Real("rekey-interval", &P::rekey_interval_s, 0, 1e7, "s", "between rekeys (0: chosen from the population size)")
      .Flag("leave", &P::leave_before_last_rekey, "a member leaves before the last rekey, which must exclude it")
      .Choice("attack", &P::attack, {"none", "rogue", "stale", "replay", "tampered"},
              "an attacker node (a user of the domain) sends every member a GMK: its own (rogue), its own "
              "stamped a key period ago (stale), one the GMS sent earlier (replay), or that one altered (tampered)")
      .Sets({"mcx::RogueGmsApp::Kind"})
      .Real("attack-at", &P::attack_at_s, 0, 1e7, "s", "when the attack messages go out (0: half an interval after the first rekey)")
      .Sets({"mcx::RogueGmsApp::AttackTime"})
      .Real("drain", &P::drain_s, 0, 1e7, "s",
            "the run goes on this long after the last rekey (0: 2 s, or 120 s with faults, for retries)");
  return l;
}

}  // namespace

const Scenario& GroupRekeyScenario() {
  static const ScenarioOf<GroupRekeyParams> s({
      "group-rekey",
      "GMK distribution and rekeying over LTE or an ideal network (TS 33.180 5.7)",
      "A KMS, a GMS and an MCX server behind LTE/EPC (or an ideal wired star); N UEs in G groups provision\n"
      "from the KMS, register with a CSK upload and subscribe to their group; the GMS sends an initial GMK\n"
      "and then rekeys K times. Every message is real (SIP, HTTPS, Annex D XML, MIKEY-SAKKE) and every\n"
      "check is run; crypto takes simulated time from the cost model.",
      Params(),
      {{"rekey_latency_ms", "ms", "GMS start of a rekey to the member's stored-and-answered (rekeys after the first key)"},
       {"rekey_completion_ms", "ms", "per rekey, to the last member's answer"},
       {"members_total", "", "UEs in the run"},
       {"members_rekeyed", "", "members that stored and answered the last rekey"},
       {"members_registered", "", "REGISTERs accepted"},
       {"csk_uploaded", "", "UEs that uploaded a CSK (TS 33.180 5.4)"},
       {"keys_activated", "", "GMKs that reached their activation time at a UE"},
       {"mcx_server_gmks", "", "GMKs the MCX server holds (the mixing option)"},
       {"provisioning_ms", "ms", "UE start to key material received and checked"},
       {"signalling_bytes", "bytes", "by GMK procedure, and by node kind (*_total)"},
       {"errors", "", "failures by kind (ue_*, mcx_server_*, member_* answers)"},
       {"crypto_time_ms", "ms", "simulated crypto time by role"},
       {"schedule_s", "s", "the rekey schedule: first rekey, interval, end of the run"},
       {"retries", "", "requests the clients tried again after a failure, by what (faults)"},
       {"attack", "", "with --attack: messages sent and the members' answers by result (null without)"},
       {"unreached_members", "", "members without the last rekey's GMK, with the reason: the member's answer, else its last failure, else run_ended_provisioning / run_ended_registering / no_answer / no_gmk_issued (still setting up or waiting when the run ended)"},
       {"converged_ms", "ms", "last rekey's start to the last member's answer; null if some member is unreached"}},
      {"rekey_events.csv"},
      [](const GroupRekeyParams& p) { return CheckOnnetWorld(p.world); },
      [](const GroupRekeyParams& p) {
        const GroupRekeyResult r = RunGroupRekey(p);
        RunOutput out;
        out.metrics = Metrics(r);
        out.tables.push_back({"rekey_events.csv", EventsCsv(r)});
        out.simulated_s = r.sim_end_s;
        out.report = Report(r, out.metrics);
        if (p.rekeys > 0 && out.metrics.at("members_rekeyed") == 0)
          out.nothing_happened = "no member holds its group's last GMK (unreached_members says why)";
        return out;
      },
      /*quick=*/{"--members", "3", "--rekeys", "1"},
      /*flows=*/OnnetFlows()});
  return s;
}

}  // namespace mcx::scenarios
