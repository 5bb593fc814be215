// offnet-group-call as the command line runs it: parameters and metrics declared once, and how a
// run's result becomes summary.json and the terminal lines.
#include <cstdio>

#include "mcx/scenarios/offnet_group_call/offnet_group_call.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/scenarios/shared/summary.h"

namespace mcx::scenarios {

using nlohmann::json;

namespace {

ParamList<OffnetGroupCallParams> Params() {
  using P = OffnetGroupCallParams;
  ParamList<P> l;
  l.Section("call")
      .Count("members", &P::members, 2, 10000, "", "UEs in the call, uniformly in a disc")
      .Real("radius", &P::radius_m, 0, 100000, "m", "radius of the disc")
      .Real("duration", &P::duration_s, 1, 1e6, "s", "how long the call runs")
      .Real("ptt-interval", &P::ptt_mean_interval_s, 0.01, 1e6, "s", "mean time between PTT presses, per member (exponential)")
      .Sets({"mcx::OffnetMcpttApp::PttMeanInterval"})
      .Real("talk", &P::talk_mean_s, 0.01, 1e6, "s", "mean talk burst (exponential)")
      .Sets({"mcx::OffnetMcpttApp::TalkMean"})
      .Real("t201-ms", &P::t201_ms, 1, 60000, "ms", "TS 24.380 T201: Floor Request retransmission")
      .Sets({"mcx::OffnetMcpttApp::T201"})
      .Count("c201", &P::c201, 1, 100, "", "TS 24.380 C201: Floor Requests before taking an unarbitrated floor")
      .Sets({"mcx::OffnetMcpttApp::C201"})
      .Flag("no-call-setup", &P::call_setup,
            "every member is in the call from the start (default: TS 24.379 GROUP CALL PROBE / ANNOUNCEMENT on the first press)",
            /*inverted=*/true)
      .Count("refresh-ms", &P::refresh_interval_ms, 100, 65535, "ms", "periodic GROUP CALL ANNOUNCEMENT interval")
      .Sets({"mcx::OffnetMcpttApp::RefreshInterval"})
      .Real("arrival-window", &P::arrival_window_s, 0, 1e6, "s", "members other than ue0 switch on at 0.5 s + U(0, this)")
      .Flag("queueing", &P::queueing, "the talker queues requests and grants them in turn (default: it denies them)")
      .Sets({"mcx::OffnetMcpttApp::Queueing"})
      .Count("without-gmk", &P::members_without_gmk, 0, 10000, "", "extra UEs in range that never received the GMK")
      .Choice("attack", &P::attack, {"none", "tamper", "replay", "flood"},
              "an attacker UE in the disc without the GMK sends what it hears back altered (tamper), again 2 s "
              "later (replay), or random bytes to the floor port (flood)")
      .Sets({"mcx::OffnetAttackerApp::Kind"})
      .Real("flood-rate", &P::flood_rate_pps, 0, 10000, "packets/s", "flood: random datagrams per second")
      .Sets({"mcx::OffnetAttackerApp::FloodRate"});
  l.Include(&P::radio, RadioParamList());
  l.Section("keys")
      .Text("keys", &P::key_dir,
            "offline-provisioned keys instead of the set-up exchange: DIR/kms-init.xml (mcxsim kms init), DIR/ue<i>.xml "
            "(mcxsim kms provision --user sip:ue<i>@mcx.example.org) and DIR/ue<i>-gmk.b64 (mcxsim mikey create --type "
            "gmk from the GMS for the group sip:group1@mcx.example.org, one RAND for all); no file, no GMK")
      .Text("gms", &P::gms_uri, "the only sender of GMKs accepted")
      .DateTime("time", &P::unix_time, "when the keys are checked and the call happens (with --keys; default: now)");
  return l;
}

RunOutput Output(const OffnetGroupCallResult& r) {
  const OffnetGroupCallParams& p = r.params;
  json m = OffnetCallMetrics(r.stats, p.members + p.members_without_gmk - 1.0);
  m["collisions"] = {{"pscch", r.collisions_pscch}, {"pssch", r.collisions_pssch}};
  m["duplicate_arbitrators"] = r.duplicate_arbitrators;
  m["call_control_messages"] = {{"probes", r.probes}, {"announcements", r.announcements}};
  m["attack"] = p.attack == "none" ? json() : json{{"kind", p.attack}, {"sent", r.attack_sent}};
  RunOutput out;
  out.metrics = m;
  out.simulated_s = r.sim_end_s;
  auto v = [](const json& x) { return x.is_null() ? std::string("-") : x.dump(); };
  std::string outcomes;
  for (const auto& [k, x] : r.stats.access_ms) outcomes += k + " " + std::to_string(x.size()) + " ";
  char b[2048];
  std::snprintf(b, sizeof b,
                "offnet-group-call: %u members in %.0f m, %g s, period %u ms, seed %u run %llu\n"
                "  floor access: p50 %s ms, p95 %s ms; outcomes %s\n"
                "  mouth-to-ear: p50 %s ms, p95 %s ms (%zu frames heard)\n"
                "  floor control: %llu messages, %llu B plain, %llu B SRTCP; sidelink PRR %s; collisions PSCCH %llu PSSCH %llu\n"
                "  errors: %s\n",
                p.members, p.radius_m, p.duration_s, p.radio.sc_period_ms, p.seeds.seed, (unsigned long long)p.seeds.run,
                v(m["floor_access_ms"]["p50"]).c_str(), v(m["floor_access_ms"]["p95"]).c_str(), outcomes.c_str(),
                v(m["mouth_to_ear_ms"]["p50"]).c_str(), v(m["mouth_to_ear_ms"]["p95"]).c_str(),
                r.stats.mouth_to_ear_ms.size(), (unsigned long long)r.stats.floor_messages,
                (unsigned long long)r.stats.floor_plain_bytes, (unsigned long long)r.stats.floor_protected_bytes,
                m["sidelink_prr"].dump().c_str(), (unsigned long long)r.collisions_pscch,
                (unsigned long long)r.collisions_pssch, r.stats.errors.empty() ? "none" : m["errors"].dump().c_str());
  out.report = b;
  // TS 33.180 5.7: without the GMK no member can protect or open group media or floor control.
  if (r.members_with_gmk < 2)
    out.nothing_happened = std::to_string(r.members_with_gmk) + " of " + std::to_string(p.members + p.members_without_gmk) +
                           " members hold a GMK of " + OffnetGroupUri() + ": no member can open another's media or floor messages" +
                           (p.key_dir.empty() ? "" : " (check the GMK files of --keys: the group, the receiver, --time)");
  return out;
}

}  // namespace

const Scenario& OffnetGroupCallScenario() {
  static const ScenarioOf<OffnetGroupCallParams> s({
      "offnet-group-call",
      "MCPTT group call over the PC5 sidelink with protected off-network floor control",
      "An MCPTT group call with no network: N UEs in a disc talk over the PC5 sidelink. Every member holds\n"
      "the GMK before the call (a KMS provisions, the GMS sends each member a MIKEY-SAKKE I_MESSAGE it\n"
      "checks), the call is set up by TS 24.379 probe/announcement, floor control is TS 24.380's\n"
      "off-network one (the talker arbitrates), and every floor message is SRTCP and every voice frame\n"
      "SRTP under GMK-derived keys.",
      Params(),
      {{"group_call_setup_ms", "ms", "by how the member got into the call (originated, joined_after_probe, joined, merged)"},
       {"floor_access_ms", "ms", "PTT press to the floor (granted or taken)"},
       {"floor_outcomes", "ms", "per outcome (taken, granted, denied, abandoned, granted_after_queue): its presses"},
       {"mouth_to_ear_ms", "ms", "capture to playout of each voice frame heard"},
       {"floor_control_bytes", "bytes", "floor messages: plain RTCP, SRTCP, on IP, on air with HARQ"},
       {"sidelink_prr", "", "sidelink packets received / (sent x intended receivers)"},
       {"sidelink_bytes_on_air", "bytes", "TB and SCI copies on the air"},
       {"errors", "", "by kind (no_gmk, floor_*, media_*...)"},
       {"collisions", "", "PSCCH and PSSCH resources two UEs used at once"},
       {"duplicate_arbitrators", "", "Floor Taken heard while holding the floor (two talkers arbitrating)"},
       {"attack", "", "with --attack: its kind and the packets it sent (the members' refusals are in errors)"},
       {"call_control_messages", "", "GROUP CALL PROBEs and ANNOUNCEMENTs sent"}},
      {},
      [](const OffnetGroupCallParams& p) -> std::optional<std::string> {
        if (auto why = CheckRadio(p.radio)) return why;
        if (p.arrival_window_s >= p.duration_s) return std::string("--arrival-window must be shorter than --duration");
        if (p.unix_time != 0 && p.key_dir.empty()) return std::string("--time goes with --keys");
        return std::nullopt;
      },
      [](const OffnetGroupCallParams& p) { return Output(RunOffnetGroupCall(p)); },
      /*quick=*/{"--members", "3", "--duration", "20"}});
  return s;
}

}  // namespace mcx::scenarios
