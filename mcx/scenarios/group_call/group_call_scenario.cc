// group-call as the command line runs it: its parameters and metrics, declared once, and how a
// run's result becomes summary.json, floor_events.csv and the terminal lines.
#include <cstdio>
#include <sstream>

#include "mcx/scenarios/group_call/group_call.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/scenarios/shared/summary.h"
#include "mcx/scenarios/shared/expected_flows.h"

namespace mcx::scenarios {

using nlohmann::json;

namespace {

ParamList<GroupCallParams> Params() {
  using P = GroupCallParams;
  ParamList<P> l;
  l.Include(&P::world, OnnetWorldParamList({/*radio_access=*/true, /*groups=*/false}));
  l.Section("call")
      .Real("call-start", &P::call_start_s, 0, 1e7, "s", "UE 0 presses PTT and sets the call up (0: once every member can hold the GMK)")
      .Real("duration", &P::duration_s, 1, 1e7, "s", "members press PTT at random this long after the call starts")
      .Real("talk-mean", &P::talk_mean_s, 0.05, 1e4, "s", "mean talk burst, exponential (psc-ns3's public-safety call logs: 4.69 s)")
      .Real("activity", &P::activity, 0.01, 1, "", "the group's floor activity: bursts follow each other with exponential pauses of mean talk-mean (1 - activity) / activity, each by a random member other than the last")
      .Real("contention", &P::contention, 0, 1, "", "the chance that another random member presses during a burst")
      .Choice("security", &P::security, {"on", "off"},
              "on: floor control as SRTCP under each client's CSK, voice as SRTP under the GMK; off: plain RTCP and RTP")
      .Sets({"mcx::McxServerApp::CallSecurity", "mcx::UeApp::CallSecurity"})
      .Flag("no-xml-protection", &P::xml_protection,
            "with security on, the mcpttinfo goes in clear (no XML protection of the identities, no signature)", true)
      .Sets({"mcx::McxServerApp::XmlProtection", "mcx::UeApp::XmlProtection"})
      .Count("late", &P::late, 0, 100000, "", "the last N UEs start during the call and join it (late entry)")
      .Real("late-after", &P::late_after_s, 0, 1e7, "s", "how long after the call's start the late UEs start")
      .Real("emergency-at", &P::emergency_at_s, 0, 1e7, "s",
            "the last member makes an emergency floor request this long after the call's start, pre-empting the talker (0: none)")
      .Flag("no-queueing", &P::queueing, "the floor control server denies requests while the floor is taken", true)
      .Sets({"mcx::McxServerApp::Queueing"})
      .Choice("attack", &P::attack, {"none", "flood"},
              "flood: an outsider node on the core sends random datagrams to the MCX server's floor port during the call")
      .Real("flood-rate", &P::flood_rate_pps, 1, 1e5, "1/s", "flood: datagrams per second")
      .Sets({"mcx::OffnetAttackerApp::FloodRate"});
  return l;
}

json Metrics(const GroupCallResult& r) {
  std::vector<double> immediate;
  const json outcomes = FloorOutcomesJson(r.calls.floor_events, &immediate);
  json m;
  m["members_in_call"] = r.members_in_call;
  m["call_setup_ms"] = {{"to_200ok", r.setup_200ok_ms < 0 ? json() : json(r.setup_200ok_ms)},
                        {"first_voice", Percentiles(r.first_voice_ms, 1.0)}};
  m["floor_access_ms"] = Percentiles(immediate, 1.0);
  m["floor_outcomes"] = outcomes;
  m["mouth_to_ear_ms"] = Percentiles(r.mouth_to_ear_ms, 1.0);
  m["late_entry_ms"] = {{"to_call", Percentiles(r.late_entry_call_ms, 1.0)},
                        {"to_voice", Percentiles(r.late_entry_voice_ms, 1.0)}};
  m["voice_frames_received"] = r.voice_frames_received;
  m["floor_control_bytes"] = FloorBytesJson(r.calls.floor_bytes);
  m["signalling_bytes"] = SignallingBytesJson(r.calls.signalling);
  m["server"] = r.server;
  m["attack"] = r.params.attack == "none" ? json() : json{{"kind", r.params.attack}, {"sent", r.attack_sent}};
  m["errors"] = r.calls.errors;
  return m;
}

std::string Report(const GroupCallResult& r, const json& m) {
  const GroupCallParams& p = r.params;
  std::string outcomes;
  for (const auto& [o, v] : m["floor_outcomes"].items()) outcomes += o + " " + v["count"].dump() + " ";
  char b[2048];
  std::snprintf(b, sizeof b,
                "group-call: %u members, access %s, security %s, seed %u run %llu; call at %.3f s for %.0f s\n"
                "  in the call %u/%u; setup (PTT to 200 OK) %s ms, first voice at a member p50 %s ms\n"
                "  floor access (immediate) p50 %s ms, p95 %s ms; outcomes: %s\n"
                "  mouth-to-ear p50 %s ms, p95 %s ms (%llu frames)\n"
                "  errors: %s\n",
                p.world.members, p.world.access.c_str(), p.security.c_str(), p.seeds.seed,
                (unsigned long long)p.seeds.run, r.call_start_s, p.duration_s, r.members_in_call, p.world.members,
                Ms(m["call_setup_ms"]["to_200ok"]).c_str(), Ms(m["call_setup_ms"]["first_voice"]["p50"]).c_str(),
                Ms(m["floor_access_ms"]["p50"]).c_str(), Ms(m["floor_access_ms"]["p95"]).c_str(), outcomes.c_str(),
                Ms(m["mouth_to_ear_ms"]["p50"]).c_str(), Ms(m["mouth_to_ear_ms"]["p95"]).c_str(),
                (unsigned long long)r.voice_frames_received, r.calls.errors.empty() ? "none" : m["errors"].dump().c_str());
  return b;
}

}  // namespace

const Scenario& GroupCallScenario() {
  static const ScenarioOf<GroupCallParams> s({
      "group-call",
      "an on-network pre-arranged group call through the MCX server, floor control under the CSK",
      "The on-network world of group-rekey (KMS, GMS, MCX server behind LTE/EPC or an ideal network) with\n"
      "one group. Once every member holds the GMK, UE 0 presses PTT: its INVITE (mcpttinfo, SDP with\n"
      "mc_implicit_request) goes to the controlling MCX server, which grants it the floor and invites\n"
      "every affiliated member (TS 24.379 10.1.1). Members then press PTT at random; floor control\n"
      "(TS 24.380 6) runs as SRTCP under each client's CSK and voice as SRTP under the GMK, relayed by\n"
      "the server without decryption. --security off runs the same call in clear.",
      Params(),
      {{"members_in_call", "", "members that joined the call"},
       {"call_setup_ms", "ms", "UE 0: PTT to the 200 OK (to_200ok); PTT to the first voice frame decrypted at each member (first_voice)"},
       {"floor_access_ms", "ms", "PTT press to Floor Granted, presses granted at once (TS 22.179 KPI 1)"},
       {"floor_outcomes", "ms", "per outcome (granted, granted_after_queue, denied, abandoned, failed): its presses' times"},
       {"mouth_to_ear_ms", "ms", "capture to playout of each voice frame heard (TS 22.179 KPI 3; no codec delay)"},
       {"late_entry_ms", "ms", "late entrants (--late): the server accepting the affiliation to the member in the call (to_call) and, for those that affiliated while someone talked, to their first voice frame decrypted (to_voice; TS 22.179 KPI 4)"},
       {"voice_frames_received", "", "voice frames decrypted by the members"},
       {"floor_control_bytes", "bytes", "by direction (uplink: clients to server; downlink) and message type: messages, plain RTCP, on the wire"},
       {"signalling_bytes", "bytes", "the call's INVITEs as serialised: sent by the clients and by the server, their bytes and bytes per INVITE (with security on, the mcpttinfo is XML-protected: TS 33.180 9.3)"},
       {"server", "", "the group call server's tallies (invites, late entries, media relayed or dropped)"},
       {"attack", "", "with --attack: what the attacker sent (null without); the server's refusals are in errors"},
       {"errors", "", "failures by kind (ue_*, mcx_server_*)"}},
      {"floor_events.csv"},
      [](const GroupCallParams& p) { return CheckOnnetWorld(p.world); },
      [](const GroupCallParams& p) {
        const GroupCallResult r = RunGroupCall(p);
        RunOutput out;
        out.metrics = Metrics(r);
        out.tables.push_back({"floor_events.csv", FloorEventsCsv(r.calls.floor_events)});
        out.simulated_s = r.sim_end_s;
        out.report = Report(r, out.metrics);
        if (r.members_in_call < 2) out.nothing_happened = "fewer than two members joined the call (errors says why)";
        return out;
      },
      /*quick=*/{"--members", "3", "--duration", "10"},
      /*flows=*/OnnetCallFlows()});
  return s;
}

}  // namespace mcx::scenarios
