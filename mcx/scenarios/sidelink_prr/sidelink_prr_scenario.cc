// sidelink-prr as the command line runs it: parameters and metrics declared once, and how a run's
// result becomes summary.json, prr_vs_distance.csv and the terminal lines.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "mcx/scenarios/registry/scenario.h"
#include "mcx/scenarios/shared/summary.h"
#include "mcx/scenarios/sidelink_prr/sidelink_prr.h"

namespace mcx::scenarios {

using nlohmann::json;

namespace {

ParamList<SidelinkPrrParams> Params() {
  using P = SidelinkPrrParams;
  ParamList<P> l;
  l.Section("")
      .RealList("distances", &P::distances_m, 0, 100000, "m", "receiver circles around the sender")
      .Count("receivers", &P::receivers_per_distance, 1, 100000, "", "receivers on each circle")
      .Count("packets", &P::packets, 1, 1000000, "", "packets the sender sends")
      .Count("bytes", &P::packet_bytes, 1, 65000, "bytes", "UDP payload of each packet");
  l.Include(&P::radio, RadioParamList());
  return l;
}

RunOutput Output(const SidelinkPrrResult& r) {
  const SidelinkPrrParams& p = r.params;
  json perDistance = json::array();
  std::ostringstream csv;
  csv << "distance_m,prr,p_sci\n";
  for (size_t i = 0; i < p.distances_m.size(); ++i) {
    perDistance.push_back({{"distance_m", p.distances_m[i]}, {"prr", Round4(r.prr[i])}, {"p_sci", Round4(r.p_sci[i])}});
    csv << p.distances_m[i] << ',' << Round4(r.prr[i]) << ',' << Round4(r.p_sci[i]) << '\n';
  }
  json lat = Percentiles(r.latency_ms, 1.0);
  if (!r.latency_ms.empty()) {
    lat["min"] = Round3(*std::min_element(r.latency_ms.begin(), r.latency_ms.end()));
    double sum = 0;
    for (double x : r.latency_ms) sum += x;
    lat["mean"] = Round3(sum / r.latency_ms.size());
  }
  RunOutput out;
  out.metrics = {{"sidelink_prr", perDistance},
                 {"one_way_latency_ms", lat},
                 {"packets_sent", r.packets_sent},
                 {"bytes_on_air", r.bytes_on_air}};
  out.tables.push_back({"prr_vs_distance.csv", csv.str()});
  out.simulated_s = r.sim_end_s;
  char line[512];
  std::snprintf(line, sizeof line,
                "sidelink-prr: MCS %u, %u PRB, k=%u, period %u ms, shadowing %.1f dB, %u receivers per distance, %u packets\n",
                p.radio.mcs, p.radio.prbs, p.radio.ktrp, p.radio.sc_period_ms, p.radio.shadowing_sigma_db,
                p.receivers_per_distance, r.packets_sent);
  out.report = line;
  for (size_t i = 0; i < p.distances_m.size(); ++i) {
    std::snprintf(line, sizeof line, "  %7.0f m  PRR %.4f  SCI %.4f\n", p.distances_m[i], r.prr[i], r.p_sci[i]);
    out.report += line;
  }
  if (!r.latency_ms.empty()) {
    std::snprintf(line, sizeof line, "  one-way latency: min %.1f, mean %.1f, p95 %.1f, max %.1f ms\n",
                  lat["min"].get<double>(), lat["mean"].get<double>(), lat["p95"].get<double>(), lat["max"].get<double>());
    out.report += line;
  }
  return out;
}

}  // namespace

const Scenario& SidelinkPrrScenario() {
  static const ScenarioOf<SidelinkPrrParams> s({
      "sidelink-prr",
      "PC5 sidelink packet reception ratio versus distance, and one-way latency",
      "The PC5 sidelink model alone: one UE sends K packets to a group; N receivers on a circle at each\n"
      "distance (each link with its own LOS state and shadowing, nothing interfering) count what they\n"
      "decode. The model's validation (docs/sidelink.md) runs this scenario.",
      Params(),
      {{"sidelink_prr", "", "per distance: packets delivered / (packets sent x receivers), and SCIs decoded (p_sci)"},
       {"one_way_latency_ms", "ms", "MAC-to-MAC delay of delivered packets (count, min, mean, p50, p95, max)"},
       {"packets_sent", "", "packets the sender sent"},
       {"bytes_on_air", "bytes", "TB and SCI copies on the air"}},
      {"prr_vs_distance.csv"},
      [](const SidelinkPrrParams& p) { return CheckRadio(p.radio); },
      [](const SidelinkPrrParams& p) { return Output(RunSidelinkPrr(p)); },
      /*quick=*/{"--distances", "100,900", "--receivers", "3", "--packets", "5"}});
  return s;
}

}  // namespace mcx::scenarios
