// private-call as the command line runs it: its parameters and metrics, declared once, and how a
// run's result becomes summary.json, calls.csv, floor_events.csv and the terminal lines.
#include <cstdio>
#include <sstream>

#include "mcx/scenarios/private_call/private_call.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/scenarios/shared/expected_flows.h"
#include "mcx/scenarios/shared/summary.h"

namespace mcx::scenarios {

using nlohmann::json;

namespace {

ParamList<PrivateCallParams> Params() {
  using P = PrivateCallParams;
  ParamList<P> l;
  l.Include(&P::world, OnnetWorldParamList({/*radio_access=*/true, /*groups=*/false}));
  l.Section("calls")
      .Real("call-start", &P::call_start_s, 0, 1e7, "s", "the first calls (0: once every UE is registered with its CSK)")
      .Count("calls", &P::calls, 1, 100000, "", "calls each pair of UEs (0-1, 2-3, ...) makes, one after another")
      .Real("session-mean", &P::session_mean_s, 0.1, 1e5, "s", "mean session length, exponential (psc-ns3's public-safety call logs: 8.58 s)")
      .Real("talk-mean", &P::talk_mean_s, 0.05, 1e4, "s", "mean talk burst, exponential (psc-ns3's call logs: 4.69 s)")
      .Real("activity", &P::activity, 0.01, 1, "", "within a session the two talk in turn, pauses of mean talk-mean (1 - activity) / activity between bursts")
      .Real("gap-mean", &P::gap_mean_s, 0, 1e6, "s", "gap between a pair's calls: 1 s (the last BYE's trip) plus an exponential of this mean")
      .Choice("security", &P::security, {"on", "off"},
              "on: the PCK in a=key-mgmt:mikey, floor control as SRTCP under each client's CSK, voice as SRTP under the PCK; off: no key, plain RTCP and RTP")
      .Sets({"mcx::McxServerApp::CallSecurity", "mcx::UeApp::CallSecurity"})
      .Flag("no-xml-protection", &P::xml_protection,
            "with security on, the mcpttinfo goes in clear (no XML protection of the identities, no signature)", true)
      .Sets({"mcx::McxServerApp::XmlProtection", "mcx::UeApp::XmlProtection"})
      .Choice("attack", &P::attack, {"none", "corrupt-key-mgmt"},
              "corrupt-key-mgmt: a compromised MCX server alters one byte of every I_MESSAGE it relays (the callees must refuse)")
      .Sets({"mcx::McxServerApp::CorruptKeyMgmt"});
  return l;
}

json Metrics(const PrivateCallResult& r) {
  std::vector<double> setup, first_voice, immediate;
  uint64_t connected = 0;
  json refused = json::object();
  for (const PrivateCallRecord& c : r.calls) {
    if (c.outcome == "connected") ++connected;
    if (c.outcome == "refused") refused[std::to_string(c.status) + " " + c.why] = refused.value(std::to_string(c.status) + " " + c.why, 0) + 1;
    if (c.setup_ms >= 0) setup.push_back(c.setup_ms);
    if (c.first_voice_ms >= 0) first_voice.push_back(c.first_voice_ms);
  }
  json m;
  m["calls_attempted"] = r.calls.size();
  m["calls_connected"] = connected;
  m["calls_refused"] = refused;
  m["call_setup_ms"] = {{"to_200ok", Percentiles(setup, 1.0)}, {"first_voice", Percentiles(first_voice, 1.0)}};
  m["floor_outcomes"] = FloorOutcomesJson(r.stats.floor_events, &immediate);
  m["floor_access_ms"] = Percentiles(immediate, 1.0);
  m["mouth_to_ear_ms"] = Percentiles(r.mouth_to_ear_ms, 1.0);
  m["voice_frames_received"] = r.voice_frames_received;
  m["floor_control_bytes"] = FloorBytesJson(r.stats.floor_bytes);
  m["signalling_bytes"] = SignallingBytesJson(r.stats.signalling);
  m["server"] = r.server;
  m["errors"] = r.stats.errors;
  return m;
}

std::string CallsCsv(const PrivateCallResult& r) {
  std::ostringstream out;
  out << "start_s,caller,callee,outcome,status,why,setup_ms,first_voice_ms\n";
  for (const PrivateCallRecord& c : r.calls)
    out << Round3(c.start_s) << ',' << c.caller << ',' << c.callee << ',' << c.outcome << ',' << c.status << ','
        << c.why << ',' << c.setup_ms << ',' << c.first_voice_ms << '\n';
  return out.str();
}

std::string Report(const PrivateCallResult& r, const json& m) {
  const PrivateCallParams& p = r.params;
  char b[2048];
  std::snprintf(b, sizeof b,
                "private-call: %u UEs in %u pairs, access %s, security %s, attack %s, seed %u run %llu\n"
                "  calls connected %s/%s; setup (PTT to 200 OK) p50 %s ms, first voice at the callee p50 %s ms\n"
                "  floor access (immediate) p50 %s ms; mouth-to-ear p50 %s ms, p95 %s ms (%llu frames)\n"
                "  refused: %s; errors: %s\n",
                p.world.members, p.world.members / 2, p.world.access.c_str(), p.security.c_str(), p.attack.c_str(),
                p.seeds.seed, (unsigned long long)p.seeds.run, m["calls_connected"].dump().c_str(),
                m["calls_attempted"].dump().c_str(), Ms(m["call_setup_ms"]["to_200ok"]["p50"]).c_str(),
                Ms(m["call_setup_ms"]["first_voice"]["p50"]).c_str(), Ms(m["floor_access_ms"]["p50"]).c_str(),
                Ms(m["mouth_to_ear_ms"]["p50"]).c_str(), Ms(m["mouth_to_ear_ms"]["p95"]).c_str(),
                (unsigned long long)r.voice_frames_received, m["calls_refused"].empty() ? "none" : m["calls_refused"].dump().c_str(),
                r.stats.errors.empty() ? "none" : m["errors"].dump().c_str());
  return b;
}

}  // namespace

const Scenario& PrivateCallScenario() {
  static const ScenarioOf<PrivateCallParams> s({
      "private-call",
      "on-network private calls through the MCX server, the PCK end to end in a=key-mgmt:mikey",
      "The on-network world of group-rekey (KMS, GMS, MCX server behind LTE/EPC or an ideal network)\n"
      "with UEs in pairs (0-1, 2-3, ...). Each pair makes --calls private calls with automatic\n"
      "commencement (TS 24.379 11.1.1): the caller makes a PCK and sends its MIKEY-SAKKE I_MESSAGE\n"
      "(TS 33.180 5.7) as a=key-mgmt:mikey in the SDP offer of an INVITE to the controlling MCX\n"
      "server, which relays it unread to the callee; the callee answers 200 OK after every receiver\n"
      "check, or refuses naming the check. Floor control (TS 24.380 6) runs through the server as\n"
      "SRTCP under each client's CSK; voice as SRTP under the PCK. Sessions and talk bursts follow\n"
      "psc-ns3's public-safety call logs. --security off runs the same calls in clear.",
      Params(),
      {{"calls_attempted", "", "private calls made"},
       {"calls_connected", "", "calls the callee accepted (the caller got 200 OK)"},
       {"calls_refused", "", "refused calls by SIP status and the error the refusal names (e.g. a failed receiver check)"},
       {"call_setup_ms", "ms", "caller's PTT to its 200 OK (to_200ok); to the first voice frame decrypted at the callee (first_voice)"},
       {"floor_access_ms", "ms", "PTT press to Floor Granted, presses granted at once, the set-up's implicit grant included (TS 22.179 KPI 1)"},
       {"floor_outcomes", "ms", "per outcome (granted, granted_after_queue, denied, abandoned, failed): its presses' times"},
       {"mouth_to_ear_ms", "ms", "capture to playout of each voice frame heard (TS 22.179 KPI 3; no codec delay)"},
       {"voice_frames_received", "", "voice frames decrypted"},
       {"floor_control_bytes", "bytes", "by direction (uplink: clients to server; downlink) and message type: messages, plain RTCP, on the wire"},
       {"signalling_bytes", "bytes", "the calls' INVITEs as serialised: sent by the callers and by the server, their bytes and bytes per INVITE (with security on, the key-mgmt and the XML-protected mcpttinfo: TS 33.180 9.3)"},
       {"server", "", "the call server's tallies (private INVITEs, connected, refused; media relayed or dropped)"},
       {"errors", "", "failures by kind (ue_*, mcx_server_*); a callee's refused check is counted here too"}},
      {"calls.csv", "floor_events.csv"},
      [](const PrivateCallParams& p) -> std::optional<std::string> {
        if (p.world.members < 2 || p.world.members % 2 != 0) return "--members must be even (UEs call in pairs)";
        return CheckOnnetWorld(p.world);
      },
      [](const PrivateCallParams& p) {
        const PrivateCallResult r = RunPrivateCall(p);
        RunOutput out;
        out.metrics = Metrics(r);
        out.tables.push_back({"calls.csv", CallsCsv(r)});
        out.tables.push_back({"floor_events.csv", FloorEventsCsv(r.stats.floor_events)});
        out.simulated_s = r.sim_end_s;
        out.report = Report(r, out.metrics);
        if (r.calls.empty()) out.nothing_happened = "no call was made";
        return out;
      },
      /*quick=*/{"--calls", "2"},
      /*flows=*/OnnetCallFlows()});
  return s;
}

}  // namespace mcx::scenarios
