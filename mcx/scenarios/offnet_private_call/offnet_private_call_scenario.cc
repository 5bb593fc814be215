// offnet-private-call as the command line runs it: parameters and metrics declared once, and how a
// run's result becomes summary.json and the terminal lines.
#include <cstdio>

#include "mcx/scenarios/offnet_private_call/offnet_private_call.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/scenarios/shared/summary.h"
#include "mcx/scenarios/shared/expected_flows.h"

namespace mcx::scenarios {

using nlohmann::json;

namespace {

ParamList<OffnetPrivateCallParams> Params() {
  using P = OffnetPrivateCallParams;
  ParamList<P> l;
  l.Section("calls")
      .Real("distance", &P::distance_m, 0, 100000, "m", "between caller and callee")
      .Count("calls", &P::calls, 1, 100000, "", "calls, one after another")
      .Real("interval", &P::call_interval_s, 0.01, 1e6, "s", "between the starts of two calls")
      .Real("talk", &P::talk_s, 0.01, 1e6, "s", "the caller talks this long in each call")
      .Real("device-factor", &P::device_factor, 0.01, 1000, "", "UE crypto time relative to the reference host")
      .Sets({"mcx::OffnetMcpttApp::DeviceFactor"})
      .Real("tfp1-ms", &P::tfp1_ms, 1, 60000, "ms", "TS 24.379 TFP1: setup request retransmission")
      .Sets({"mcx::OffnetMcpttApp::Tfp1"})
      .Count("cfp1", &P::cfp1, 1, 100, "", "TS 24.379 CFP1: setup requests before giving up")
      .Sets({"mcx::OffnetMcpttApp::Cfp1"})
      .Flag("foreign-callee", &P::foreign_callee, "the callee's keys come from a KMS the caller's domain does not know");
  l.Include(&P::radio, RadioParamList());
  return l;
}

RunOutput Output(const OffnetPrivateCallResult& r) {
  const OffnetPrivateCallParams& p = r.params;
  json m = OffnetCallMetrics(r.stats, 1.0);
  m.erase("group_call_setup_ms");  // a group call's metric
  m["call_setup_ms"] = Percentiles(r.call_setup_ms, 1.0);
  m["calls_established"] = r.calls_established;
  RunOutput out;
  out.metrics = m;
  out.simulated_s = r.sim_end_s;
  auto v = [](const json& x) { return x.is_null() ? std::string("-") : x.dump(); };
  char b[1024];
  std::snprintf(b, sizeof b,
                "offnet-private-call: %u calls over %.0f m, period %u ms, seed %u run %llu\n"
                "  established %u/%u; call setup p50 %s ms, p95 %s ms\n"
                "  floor access p50 %s ms; mouth-to-ear p50 %s ms, p95 %s ms\n"
                "  errors: %s\n",
                p.calls, p.distance_m, p.radio.sc_period_ms, p.seeds.seed, (unsigned long long)p.seeds.run, r.calls_established, p.calls,
                v(m["call_setup_ms"]["p50"]).c_str(), v(m["call_setup_ms"]["p95"]).c_str(),
                v(m["floor_access_ms"]["p50"]).c_str(), v(m["mouth_to_ear_ms"]["p50"]).c_str(),
                v(m["mouth_to_ear_ms"]["p95"]).c_str(), r.stats.errors.empty() ? "none" : m["errors"].dump().c_str());
  out.report = b;
  return out;
}

}  // namespace

const Scenario& OffnetPrivateCallScenario() {
  static const ScenarioOf<OffnetPrivateCallParams> s({
      "offnet-private-call",
      "private calls over the PC5 sidelink: PCK by MIKEY-SAKKE in the setup request",
      "Two UEs with no network, provisioned by one KMS beforehand, set up private calls over the PC5\n"
      "sidelink (TS 24.379 11.2): PRIVATE CALL SETUP REQUEST with a fresh PCK in a MIKEY-SAKKE I_MESSAGE\n"
      "(signed, SAKKE-encrypted to the callee), ACCEPT after the callee's checks; then the caller talks\n"
      "with floor control and voice under the PCK.",
      Params(),
      {{"call_setup_ms", "ms", "caller: call to ACCEPT"},
       {"calls_established", "", "calls that came up"},
       {"floor_access_ms", "ms", "PTT press to the floor"},
       {"floor_outcomes", "ms", "per outcome: its presses"},
       {"mouth_to_ear_ms", "ms", "capture to playout of each voice frame heard"},
       {"floor_control_bytes", "bytes", "floor messages: plain RTCP, SRTCP, on IP, on air with HARQ"},
       {"sidelink_prr", "", "sidelink packets received / sent"},
       {"sidelink_bytes_on_air", "bytes", "TB and SCI copies on the air"},
       {"errors", "", "by kind (private_call_*, floor_*, media_*...)"}},
      {},
      [](const OffnetPrivateCallParams& p) { return CheckRadio(p.radio); },
      [](const OffnetPrivateCallParams& p) { return Output(RunOffnetPrivateCall(p)); },
      /*quick=*/{"--calls", "2"},
      /*flows=*/{OffnetPrivateCallFlow()}});
  return s;
}

}  // namespace mcx::scenarios
