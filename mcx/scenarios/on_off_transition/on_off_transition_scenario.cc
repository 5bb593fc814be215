// on-off-transition as the command line runs it: parameters and metrics declared once, and how a
// run's result becomes summary.json, members.csv and the terminal lines.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "mcx/scenarios/on_off_transition/on_off_transition.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/scenarios/shared/summary.h"

namespace mcx::scenarios {

using nlohmann::json;

namespace {

ParamList<OnOffTransitionParams> Params() {
  using P = OnOffTransitionParams;
  ParamList<P> l;
  l.Include(&P::world, OnnetWorldParamList({/*radio_access=*/false, /*groups=*/false}));
  l.Section("leaving and returning")
      .Count("away", &P::away, 1, 100000, "", "members ue0 .. ue<K-1> leave coverage")
      .Real("leave", &P::leave_s, 0, 1e7, "s", "ue0 leaves coverage")
      .Real("leave-stagger", &P::leave_stagger_s, 0, 1e7, "s", "ue<i> leaves at --leave + i x this")
      .RealList("rekeys", &P::rekeys_s, 0, 1e7, "s", "the GMS rekeys the group at these times")
      .Real("return", &P::return_s, 0, 1e7, "s", "every member away is back in coverage")
      .Real("key-lifetime", &P::key_lifetime_s, 0, 1e7, "s", "a GMK expires this long after its activation (0: never)")
      .Sets({"mcx::GmsApp::KeyLifetime"})
      .Real("end", &P::end_s, 0, 1e7, "s", "the end of the run (0: 15 s after the return, at least 75 s)");
  l.Section("off-network call")
      .Real("radius", &P::radius_m, 0, 100000, "m", "UEs uniformly in a disc of this radius")
      .Real("ptt-interval", &P::ptt_mean_interval_s, 0.01, 1e6, "s", "mean time between PTT presses (exponential)")
      .Real("talk", &P::talk_mean_s, 0.01, 1e6, "s", "mean talk burst (exponential)")
      .Real("t201-ms", &P::t201_ms, 1, 60000, "ms", "TS 24.380 T201")
      .Sets({"mcx::OffnetMcpttApp::T201"})
      .Count("c201", &P::c201, 1, 100, "", "TS 24.380 C201")
      .Sets({"mcx::OffnetMcpttApp::C201"});
  l.Include(&P::radio, RadioParamList());
  return l;
}

RunOutput Output(const OnOffTransitionResult& r) {
  const OnOffTransitionParams& p = r.params;
  std::vector<double> staleAway, staleHome, catchUp, unusableAway, unusableHome;
  uint64_t undecryptable = 0, noActive = 0;
  std::map<std::string, uint64_t> byReason;
  json members = json::array();
  std::ostringstream csv;
  csv << "member,away,left_s,returned_s,stale_key_ms,without_usable_gmk_ms,catch_up_ms,current_at_end,undecryptable,"
         "no_active_gmk\n";
  for (const auto& m : r.members) {
    (m.away ? staleAway : staleHome).push_back(m.stale_key_ms);
    (m.away ? unusableAway : unusableHome).push_back(m.without_usable_gmk_ms);
    if (m.catch_up_ms) catchUp.push_back(*m.catch_up_ms);
    undecryptable += m.undecryptable;
    noActive += m.no_active_gmk;
    for (const auto& [k, v] : m.undecryptable_by_reason) byReason[k] += v;
    json j = {{"member", m.member}, {"away", m.away}, {"stale_key_ms", Round3(m.stale_key_ms)},
              {"without_usable_gmk_ms", Round3(m.without_usable_gmk_ms)}, {"current_at_end", m.current_at_end}};
    if (m.away) {
      j["left_s"] = m.left_s;
      j["returned_s"] = m.returned_s;
      j["catch_up_ms"] = m.catch_up_ms ? json(Round3(*m.catch_up_ms)) : json(nullptr);
      j["undecryptable"] = m.undecryptable;
      j["undecryptable_by_reason"] = m.undecryptable_by_reason;
      j["no_active_gmk"] = m.no_active_gmk;
    }
    members.push_back(j);
    csv << m.member << ',' << m.away << ',' << (m.away ? std::to_string(m.left_s) : "") << ','
        << (m.away ? std::to_string(m.returned_s) : "") << ',' << Round3(m.stale_key_ms) << ','
        << Round3(m.without_usable_gmk_ms) << ',' << (m.catch_up_ms ? std::to_string(Round3(*m.catch_up_ms)) : "")
        << ',' << m.current_at_end << ',' << m.undecryptable << ',' << m.no_active_gmk << '\n';
  }
  const double receivers = r.offnet.sidelink_packets_sent ? r.expected_receptions / r.offnet.sidelink_packets_sent : 1.0;
  json offnet = OffnetCallMetrics(r.offnet, receivers);
  offnet["collisions"] = {{"pscch", r.collisions_pscch}, {"pssch", r.collisions_pssch}};
  RunOutput out;
  out.metrics = {{"stale_key_ms", {{"away", Percentiles(staleAway, 1.0)}, {"in_coverage", Percentiles(staleHome, 1.0)}}},
                 {"without_usable_gmk_ms",
                  {{"away", Percentiles(unusableAway, 1.0)}, {"in_coverage", Percentiles(unusableHome, 1.0)}}},
                 {"catch_up_ms", Percentiles(catchUp, 1.0)},
                 {"offnet_undecryptable", {{"total", undecryptable}, {"by_reason", byReason}}},
                 {"offnet_ptt_refused_no_active_gmk", noActive},
                 {"rekey_answers", r.rekey_answers},
                 {"onnet_errors", r.errors},
                 {"offnet_call", offnet},
                 {"members", members}};
  out.tables.push_back({"members.csv", csv.str()});
  out.simulated_s = r.sim_end_s;
  char b[1024];
  std::snprintf(b, sizeof b, "on-off-transition: %u members, %u away from %g s to %g s, rekeys at %s, seed %u run %llu\n",
                p.world.members, p.away, p.leave_s, p.return_s, json(p.rekeys_s).dump().c_str(),
                p.seeds.seed, (unsigned long long)p.seeds.run);
  out.report = b;
  for (const auto& m : r.members) {
    const std::string catch_up =
        m.catch_up_ms ? std::to_string(static_cast<long long>(std::lround(*m.catch_up_ms))) + " ms" : "-";
    std::snprintf(b, sizeof b, "  %-24s %-11s stale %8.1f ms  no usable GMK %8.1f ms  catch-up %s  undecryptable %llu\n",
                  m.member.c_str(), m.away ? "away" : "in coverage", m.stale_key_ms, m.without_usable_gmk_ms,
                  catch_up.c_str(), (unsigned long long)m.undecryptable);
    out.report += b;
  }
  std::snprintf(b, sizeof b, "  off-network call: floor access p50 %s ms; %llu floor messages; errors %s\n"
                "  GMS answers to the rekeys: %s\n",
                offnet["floor_access_ms"]["p50"].dump().c_str(), (unsigned long long)r.offnet.floor_messages,
                r.offnet.errors.empty() ? "none" : offnet["errors"].dump().c_str(), json(r.rekey_answers).dump().c_str());
  out.report += b;
  return out;
}

}  // namespace

const Scenario& OnOffTransitionScenario() {
  static const ScenarioOf<OnOffTransitionParams> s({
      "on-off-transition",
      "members leave coverage, a rekey happens while they are away, they catch up on return",
      "A group provisioned on-network (KMS, GMS, MCX server, UE clients on the ideal access network; every\n"
      "key by MIKEY-SAKKE); members ue0..ue<K-1> leave coverage one after another and hold an off-network\n"
      "group call over the PC5 sidelink with the GMKs their device stored; the GMS rekeys while they are\n"
      "away; they come back, register again and re-subscribe, and the GMS's NOTIFY brings the current GMK.",
      Params(),
      {{"stale_key_ms", "ms", "away / in coverage: time without the group's current GMK (from the first rekey on)"},
       {"without_usable_gmk_ms", "ms", "away / in coverage: time holding no GMK that was active and unexpired"},
       {"catch_up_ms", "ms", "return until the last GMK issued before the return is held"},
       {"offnet_undecryptable", "", "off-network messages not opened for want of a key (total, by reason)"},
       {"offnet_ptt_refused_no_active_gmk", "", "PTT presses refused: no GMK active"},
       {"rekey_answers", "", "the GMS's record of members' answers to the rekeys, by result"},
       {"onnet_errors", "", "on-network procedure failures by kind"},
       {"offnet_call", "", "the away members' call, with the metrics of offnet-group-call"},
       {"members", "", "per member: the above, when it left and returned"}},
      {"members.csv"},
      [](const OnOffTransitionParams& p) -> std::optional<std::string> {
        if (auto why = CheckOnnetWorld(p.world)) return why;
        if (auto why = CheckRadio(p.radio)) return why;
        return CheckOnOffTransition(p);
      },
      [](const OnOffTransitionParams& p) { return Output(RunOnOffTransition(p)); },
      /*quick=*/{"--members", "4", "--away", "2", "--leave-stagger", "2", "--return", "30"}});
  return s;
}

}  // namespace mcx::scenarios
