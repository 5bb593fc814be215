// mcxsim run | list | describe: named scenarios, each run in its own folder with its parameters
// (summary.json), its per-event rows (CSV) and how it ran (run_info.json).
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "mcx/sim/cli_args.h"
#include "mcx/security/kms.h"
#include "mcx/scenarios/group_rekey/group_rekey.h"
#include "mcx/scenarios/offnet_group_call/offnet_group_call.h"
#include "mcx/scenarios/offnet_private_call/offnet_private_call.h"
#include "mcx/scenarios/on_off_transition/on_off_transition.h"
#include "mcx/scenarios/sidelink_prr/sidelink_prr.h"

namespace mcx::sim {

using nlohmann::json;

namespace {

// Wall clock and peak memory of a run (this process).
struct RunCost {
  double wall_s = 0;
  double peak_rss_mb = 0;
};

template <class Run>
auto Measured(Run&& run, RunCost& cost) {
  const auto t0 = std::chrono::steady_clock::now();
  auto result = run();
  cost.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  cost.peak_rss_mb = ru.ru_maxrss / 1024.0;
  return result;
}

std::string OutDir(const Args& a) {
  const std::string out = a.Require("out");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw std::runtime_error("cannot create " + out + ": " + ec.message());
  return out;
}

void WriteRunInfo(const std::string& out, const std::string& command, const RunCost& c, double simulated_s) {
  const json info = {{"mcxsim_version", "0.1.0"},
                     {"command", "run " + command},
                     {"wall_clock_s", std::round(c.wall_s * 1000) / 1000},
                     {"peak_rss_mb", std::round(c.peak_rss_mb * 10) / 10},
                     {"simulated_s", simulated_s}};
  WriteFile(out + "/run_info.json", info.dump(2) + "\n");
}

json Percentiles(std::vector<double> v, double scale) {
  json j = {{"count", v.size()}};
  if (v.empty()) {
    j["p50"] = nullptr;
    j["p95"] = nullptr;
    j["max"] = nullptr;
    return j;
  }
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {  // nearest rank
    size_t i = static_cast<size_t>(std::ceil(q * v.size())) - 1;
    return v[std::min(i, v.size() - 1)] * scale;
  };
  auto round3 = [](double x) { return std::round(x * 1000.0) / 1000.0; };
  j["p50"] = round3(at(0.50));
  j["p95"] = round3(at(0.95));
  j["max"] = round3(v.back() * scale);
  return j;
}

json ParamsJson(const scenarios::GroupRekeyParams& p) {
  return {{"members", p.members},         {"groups", p.groups},
          {"access", p.access},           {"transport", p.transport},
          {"rekeys", p.rekeys},           {"sip_tcp", p.sip_tcp},
          {"sip_t1_s", p.sip_t1_s},       {"gms_cores", p.gms_cores},
          {"ue_device_factor", p.ue_device_factor}, {"server_device_factor", p.server_device_factor},
          {"core_link_delay_ms", p.core_link_delay_ms}, {"access_link_delay_ms", p.access_link_delay_ms},
          {"enbs", p.enbs},               {"cell_radius_m", p.cell_radius_m},
          {"leave_before_last_rekey", p.leave_before_last_rekey}, {"tls", p.tls}, {"forged_gms", p.forged_gms},
          {"mixing", p.mixing}, {"rekey_period_s", p.rekey_period_s}, {"activation_delay_s", p.activation_delay_s}, {"ue_speed_mps", p.ue_speed_mps}};
}

json Summary(const scenarios::GroupRekeyResult& r) {
  std::vector<double> lat;
  std::map<std::pair<std::string, uint32_t>, double> completion;
  std::map<std::string, uint32_t> last_ok_rekey;
  for (const auto& a : r.answers) {
    if (a.result != "ok") continue;
    if (a.rekey >= 1) {
      lat.push_back(a.latency_s);
      double& c = completion[{a.group, a.rekey}];
      c = std::max(c, a.latency_s);
    }
    last_ok_rekey[a.member] = std::max(last_ok_rekey[a.member], a.rekey);
  }
  std::vector<double> comp;
  for (const auto& [k, v] : completion) comp.push_back(v);
  uint32_t rekeyed = 0;
  for (const auto& [m, n] : last_ok_rekey) rekeyed += n >= r.params.rekeys && r.params.rekeys > 0 ? 1 : 0;
  json j;
  j["scenario"] = "group-rekey";
  j["seed"] = r.params.seed;
  j["params"] = ParamsJson(r.params);
  json m;
  m["rekey_latency_ms"] = Percentiles(lat, 1000);
  m["rekey_completion_ms"] = Percentiles(comp, 1000);
  m["members_total"] = r.params.members;
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
  j["metrics"] = m;
  return j;
}

void WriteCsv(const std::string& path, const scenarios::GroupRekeyResult& r) {
  std::ofstream out(path);
  out << "group,member,rekey,gmk_id,start_s,latency_ms,result\n";
  for (const auto& a : r.answers) {
    char id[16];
    std::snprintf(id, sizeof id, "%08x", a.gmk_id);
    out << a.group << ',' << a.member << ',' << a.rekey << ',' << id << ',' << a.start_s << ','
        << std::round(a.latency_s * 1e6) / 1e3 << ',' << a.result << '\n';
  }
}

const char* kGroupRekeyHelp =
    "usage: mcxsim run group-rekey [--members N] [--groups G] [--access lte|ideal]\n"
    "          [--transport sip|http] [--rekeys K] [--seed S] --out DIR [options]\n"
    "  A KMS, a GMS and an MCX server behind LTE/EPC (or an ideal wired star); N UEs in G groups\n"
    "  provision from the KMS, register with a CSK upload and subscribe to their group; the GMS\n"
    "  sends an initial GMK and then rekeys K times. Writes DIR/summary.json (metrics),\n"
    "  DIR/rekey_events.csv (one row per member per key) and DIR/run_info.json (wall clock, memory).\n"
    "options (defaults in brackets):\n"
    "  --members N [10]  --groups G [1]  --access lte|ideal [ideal]  --transport sip|http [sip]\n"
    "  --rekeys K [3]  --seed S [1]  --sip-tcp  --sip-t1 SECONDS [0.5]  --gms-cores C [1]\n"
    "  --ue-device-factor F [3]  --server-device-factor F [1]  --core-delay-ms D [5]\n"
    "  --access-delay-ms D [2]  --enbs E [1]  --cell-radius M [400]  --rekey-start SECONDS [auto]\n"
    "  --rekey-interval SECONDS [auto]  --leave (a member leaves before the last rekey)  --no-tls\n"
    "  --forged-gms (the GMS signs with an identity the UEs do not accept: every GMK is rejected)\n"
    "  --mixing (the GMS also gives each GMK to the MCX server)  --activation-delay SECONDS [0]\n"
    "  --ue-speed M_PER_S [0] (lte: UEs walk in their cell)\n"
    "  --rekey-period SECONDS [0] (the GMS also rekeys every group on its own this often)\n";

int RunGroupRekeyCmd(const std::vector<std::string>& argv) {
  Args a(argv,
         {"members", "groups", "access", "transport", "rekeys", "seed", "out", "sip-t1", "gms-cores", "ue-device-factor",
          "server-device-factor", "core-delay-ms", "access-delay-ms", "enbs", "cell-radius", "rekey-start",
          "rekey-interval", "activation-delay", "ue-speed", "rekey-period"},
         {"sip-tcp", "leave", "no-tls", "quiet", "forged-gms", "mixing"});
  if (a.Help()) {
    std::printf("%s", kGroupRekeyHelp);
    return 0;
  }
  scenarios::GroupRekeyParams p;
  a.Set("members", p.members);
  a.Set("groups", p.groups);
  a.Set("rekeys", p.rekeys);
  a.Set("seed", p.seed);
  a.Set("sip-t1", p.sip_t1_s);
  a.Set("gms-cores", p.gms_cores);
  a.Set("ue-device-factor", p.ue_device_factor);
  a.Set("server-device-factor", p.server_device_factor);
  a.Set("core-delay-ms", p.core_link_delay_ms);
  a.Set("access-delay-ms", p.access_link_delay_ms);
  a.Set("enbs", p.enbs);
  a.Set("cell-radius", p.cell_radius_m);
  a.Set("rekey-start", p.rekey_start_s);
  a.Set("rekey-interval", p.rekey_interval_s);
  a.Set("activation-delay", p.activation_delay_s);
  a.Set("ue-speed", p.ue_speed_mps);
  a.Set("rekey-period", p.rekey_period_s);
  p.mixing = a.Flag("mixing");
  p.access = a.Get("access").value_or("ideal");
  p.transport = a.Get("transport").value_or("sip");
  p.sip_tcp = a.Flag("sip-tcp");
  p.leave_before_last_rekey = a.Flag("leave");
  p.forged_gms = a.Flag("forged-gms");
  p.tls = !a.Flag("no-tls");
  if (p.access != "lte" && p.access != "ideal") throw UsageError("--access is lte or ideal");
  if (p.transport != "sip" && p.transport != "http") throw UsageError("--transport is sip or http");
  if (p.members == 0 || p.groups == 0 || p.groups > p.members) throw UsageError("need 1 <= groups <= members");
  if (p.enbs == 0) throw UsageError("--enbs must be at least 1");
  const std::string out = OutDir(a);
  RunCost cost;
  const scenarios::GroupRekeyResult r = Measured([&] { return scenarios::RunGroupRekey(p); }, cost);

  const json s = Summary(r);
  WriteFile(out + "/summary.json", s.dump(2) + "\n");
  WriteCsv(out + "/rekey_events.csv", r);
  WriteRunInfo(out, "group-rekey", cost, r.sim_end_s);
  if (!a.Flag("quiet")) {
    const auto& m = s["metrics"];
    auto ms = [](const json& v) {
      if (v.is_null()) return std::string("-");
      char b[32];
      std::snprintf(b, sizeof b, "%.1f", v.get<double>());
      return std::string(b);
    };
    std::printf("group-rekey: %u members in %u group(s), access %s, GMK by %s, %u rekeys, seed %llu\n", p.members,
                p.groups, p.access.c_str(), p.transport.c_str(), p.rekeys, (unsigned long long)p.seed);
    std::printf("  provisioned: %zu/%u (p50 %s ms), registered %u, CSKs uploaded %u\n", r.provisioning_s.size(),
                p.members, ms(m["provisioning_ms"]["p50"]).c_str(), r.registered, r.csk_uploaded);
    std::printf("  rekey latency (GMS start -> member stored and answered): p50 %s ms, p95 %s ms, max %s ms (%zu answers)\n",
                ms(m["rekey_latency_ms"]["p50"]).c_str(), ms(m["rekey_latency_ms"]["p95"]).c_str(),
                ms(m["rekey_latency_ms"]["max"]).c_str(), m["rekey_latency_ms"]["count"].get<size_t>());
    std::printf("  rekey completion (to the last member): p50 %s ms, max %s ms; members rekeyed %u/%u\n",
                ms(m["rekey_completion_ms"]["p50"]).c_str(), ms(m["rekey_completion_ms"]["max"]).c_str(),
                m["members_rekeyed"].get<uint32_t>(), p.members);
    std::printf("  errors: %s\n", m["errors"].empty() ? "none" : m["errors"].dump().c_str());
    std::printf("  wall clock %.2f s, peak memory %.1f MB; results in %s\n", cost.wall_s, cost.peak_rss_mb, out.c_str());
  }
  return 0;
}

std::vector<double> NumberList(const std::string& text) {  // "1,2.5,3"
  std::vector<double> v;
  std::stringstream ss(text);
  for (std::string x; std::getline(ss, x, ',');) v.push_back(std::stod(x));
  return v;
}

// Radio options shared by the sidelink scenarios: --mcs, --prbs, --ktrp, --period, --shadowing
// (and, where the scenario lists them, --frequency, --doc-heights, --cumulative-harq).
void ReadRadio(const Args& a, scenarios::SidelinkRadioOptions& r) {
  a.Set("mcs", r.mcs);
  a.Set("prbs", r.prbs);
  a.Set("ktrp", r.ktrp);
  a.Set("period", r.sc_period_ms);
  a.Set("shadowing", r.shadowing_sigma_db);
  a.Set("frequency", r.frequency_hz);
  r.documented_heights = a.Flag("doc-heights");
  r.cumulative_harq = a.Flag("cumulative-harq");
  if (auto why = r.Invalid()) throw UsageError(*why);
}

json RadioJson(const scenarios::SidelinkRadioOptions& r) {
  return {{"mcs", r.mcs}, {"prbs", r.prbs}, {"ktrp", r.ktrp}, {"sc_period_ms", r.sc_period_ms},
          {"shadowing_sigma_db", r.shadowing_sigma_db}, {"frequency_hz", r.frequency_hz},
          {"documented_heights", r.documented_heights}, {"cumulative_harq", r.cumulative_harq}};
}

const char* kSidelinkPrrHelp =
    "usage: mcxsim run sidelink-prr [--distances M,M,...] [--receivers N] [--packets K] [--mcs M]\n"
    "          [--prbs P] [--shadowing DB] [--seed S] --out DIR [options]\n"
    "  The PC5 sidelink model alone: one UE sends K packets to a group; N receivers on a circle at\n"
    "  each distance (each link with its own LOS state and shadowing, nothing interfering) count\n"
    "  what they decode. Writes DIR/summary.json (PRR and SCI reception per distance, one-way\n"
    "  latency), DIR/prr_vs_distance.csv and DIR/run_info.json.\n"
    "options (defaults in brackets):\n"
    "  --distances [10,25,50,75,100,150,200,250,300,350,400,450,500,600,700,800,900,1000,1200,1500,2000]\n"
    "  --receivers N [100]  --packets K [50]  --bytes B [100]  --mcs M [16]  --prbs P [5]  --ktrp K [1]\n"
    "  --period MS [40]  --shadowing DB [0]  --frequency HZ [793e6]  --doc-heights (0.8/0.8 m)\n"
    "  --cumulative-harq (one decision on the tx-4 curve)  --seed S [1]\n";

int RunSidelinkPrrCmd(const std::vector<std::string>& argv) {
  Args a(argv, {"distances", "receivers", "packets", "bytes", "mcs", "prbs", "ktrp", "period", "shadowing", "frequency",
                "seed", "out"},
         {"doc-heights", "cumulative-harq", "quiet"});
  if (a.Help()) {
    std::printf("%s", kSidelinkPrrHelp);
    return 0;
  }
  scenarios::SidelinkPrrParams p;
  a.Set("receivers", p.receivers_per_distance);
  a.Set("packets", p.packets);
  a.Set("bytes", p.packet_bytes);
  a.Set("seed", p.seed);
  if (auto d = a.Get("distances")) p.distances_m = NumberList(*d);
  if (p.distances_m.empty() || p.receivers_per_distance == 0 || p.packets == 0) throw UsageError("need distances, receivers and packets");
  ReadRadio(a, p.radio);
  const std::string out = OutDir(a);
  RunCost cost;
  const scenarios::SidelinkPrrResult r = Measured([&] { return scenarios::RunSidelinkPrr(p); }, cost);

  auto round4 = [](double x) { return std::round(x * 1e4) / 1e4; };
  json perDistance = json::array();
  std::ofstream csv(out + "/prr_vs_distance.csv");
  csv << "distance_m,prr,p_sci\n";
  for (size_t i = 0; i < p.distances_m.size(); ++i) {
    perDistance.push_back({{"distance_m", p.distances_m[i]}, {"prr", round4(r.prr[i])}, {"p_sci", round4(r.p_sci[i])}});
    csv << p.distances_m[i] << ',' << round4(r.prr[i]) << ',' << round4(r.p_sci[i]) << '\n';
  }
  json lat = Percentiles(r.latency_ms, 1.0);
  if (!r.latency_ms.empty()) {
    lat["min"] = std::round(*std::min_element(r.latency_ms.begin(), r.latency_ms.end()) * 1000) / 1000;
    double sum = 0;
    for (double x : r.latency_ms) sum += x;
    lat["mean"] = std::round(sum / r.latency_ms.size() * 1000) / 1000;
  }
  json s = {{"scenario", "sidelink-prr"},
            {"seed", p.seed},
            {"params", {{"distances_m", p.distances_m}, {"receivers_per_distance", p.receivers_per_distance},
                        {"packets", p.packets}, {"packet_bytes", p.packet_bytes}, {"radio", RadioJson(p.radio)}}},
            {"metrics", {{"sidelink_prr", perDistance}, {"one_way_latency_ms", lat},
                         {"packets_sent", r.packets_sent}, {"bytes_on_air", r.bytes_on_air}}}};
  WriteFile(out + "/summary.json", s.dump(2) + "\n");
  WriteRunInfo(out, "sidelink-prr", cost, r.sim_end_s);
  if (!a.Flag("quiet")) {
    std::printf("sidelink-prr: MCS %u, %u PRB, k=%u, period %u ms, shadowing %.1f dB, %u receivers per distance, %u packets\n",
                p.radio.mcs, p.radio.prbs, p.radio.ktrp, p.radio.sc_period_ms, p.radio.shadowing_sigma_db, p.receivers_per_distance, r.packets_sent);
    for (size_t i = 0; i < p.distances_m.size(); ++i)
      std::printf("  %7.0f m  PRR %.4f  SCI %.4f\n", p.distances_m[i], r.prr[i], r.p_sci[i]);
    if (!r.latency_ms.empty())
      std::printf("  one-way latency: min %.1f, mean %.1f, p95 %.1f, max %.1f ms\n", lat["min"].get<double>(),
                  lat["mean"].get<double>(), lat["p95"].get<double>(), lat["max"].get<double>());
    std::printf("  wall clock %.2f s, peak memory %.1f MB; results in %s\n", cost.wall_s, cost.peak_rss_mb, out.c_str());
  }
  return 0;
}

// The metrics the off-network call scenarios share. `receivers` = how many UEs each sidelink
// packet is meant for (group members - 1; 1 for a private call).
json OffnetCallMetrics(const scenarios::OffnetCallStats& st, double receivers) {
  json outcomes = json::object();
  std::vector<double> access;
  for (const auto& [o, v] : st.access_ms) {
    outcomes[o] = Percentiles(v, 1.0);
    // Access time counts the presses that got the floor (granted by the talker or taken).
    if (o == "granted" || o == "taken") access.insert(access.end(), v.begin(), v.end());
  }
  const double prr = st.sidelink_packets_sent ? st.sidelink_packets_received / (st.sidelink_packets_sent * receivers) : 0.0;
  const uint64_t floorIp = st.floor_protected_bytes + st.floor_messages * 28;  // IPv4 + UDP
  json setup = json::object();
  for (const auto& [how, v] : st.group_call_setup_ms) setup[how] = Percentiles(v, 1.0);
  return {{"group_call_setup_ms", setup},
          {"floor_access_ms", Percentiles(access, 1.0)},
          {"floor_outcomes", outcomes},
          {"mouth_to_ear_ms", Percentiles(st.mouth_to_ear_ms, 1.0)},
          {"floor_control_bytes",
           {{"messages", st.floor_messages}, {"plain", st.floor_plain_bytes}, {"protected", st.floor_protected_bytes},
            {"ip", floorIp},
            // Each floor packet rides in TBs sent 4 times (blind HARQ), plus its 5-byte PDCP header.
            {"on_air_with_harq", 4 * (floorIp + st.floor_messages * 5)}}},
          {"sidelink_prr", std::round(prr * 1e4) / 1e4},
          {"sidelink_bytes_on_air", st.sidelink_bytes_on_air},
          {"errors", st.errors}};
}

const char* kOffnetGroupCallHelp =
    "usage: mcxsim run offnet-group-call [--members N] [--radius M] [--duration S] [--period MS]\n"
    "          [--seed S] --out DIR [options]\n"
    "  An MCPTT group call with no network: N UEs in a disc talk over the PC5 sidelink with\n"
    "  off-network floor control (the talker arbitrates). Every member holds the GMK before the\n"
    "  call; every floor message is SRTCP and every voice frame SRTP under GMK-derived keys.\n"
    "  Writes DIR/summary.json (floor access time, mouth-to-ear delay, floor-control bytes plain,\n"
    "  protected and on air, sidelink PRR, collisions, errors by kind) and DIR/run_info.json.\n"
    "options (defaults in brackets):\n"
    "  --members N [4]  --radius M [100]  --duration S [60]  --ptt-interval S [8] (mean, per member)\n"
    "  --talk S [3] (mean)  --period MS [40]  --ktrp K [2]  --mcs M [16]  --prbs P [5]\n"
    "  --shadowing DB [0]  --t201-ms MS [40]  --c201 N [3]\n"
    "  --no-call-setup (every member is in the call from the start; default: TS 24.379 GROUP CALL\n"
    "      PROBE / ANNOUNCEMENT on the first press)  --refresh-ms MS [10000] (periodic announcement)\n"
    "  --arrival-window S [0] (members other than ue0 switch on at 0.5 s + U(0, S))\n"
    "  --queueing (the talker queues requests and grants them in turn; default: it denies them)\n"
    "  --without-gmk N [0] (extra UEs in range that never received the GMK)  --seed S [1]\n"
    "  --keys DIR  offline-provisioned keys instead of the set-up exchange: DIR/kms-init.xml\n"
    "      (mcxsim kms init), DIR/ue<i>.xml (mcxsim kms provision --user sip:ue<i>@mcx.example.org)\n"
    "      and DIR/ue<i>-gmk.b64 (mcxsim mikey create --type gmk --from GMS); no file, no GMK\n"
    "  --gms URI [sip:gms@mcx.example.org] (the only sender of GMKs accepted)\n"
    "  --time ISO8601 [now] (when the keys are checked: key period, expiry)\n";

int RunOffnetGroupCallCmd(const std::vector<std::string>& argv) {
  Args a(argv, {"members", "radius", "duration", "ptt-interval", "talk", "period", "ktrp", "mcs", "prbs", "shadowing",
                "t201-ms", "c201", "without-gmk", "keys", "gms", "time", "seed", "out", "refresh-ms", "arrival-window"},
         {"quiet", "no-call-setup", "queueing"});
  if (a.Help()) {
    std::printf("%s", kOffnetGroupCallHelp);
    return 0;
  }
  scenarios::OffnetGroupCallParams p;
  a.Set("members", p.members);
  a.Set("radius", p.radius_m);
  a.Set("duration", p.duration_s);
  a.Set("ptt-interval", p.ptt_mean_interval_s);
  a.Set("talk", p.talk_mean_s);
  a.Set("t201-ms", p.t201_ms);
  a.Set("c201", p.c201);
  a.Set("without-gmk", p.members_without_gmk);
  a.Set("seed", p.seed);
  a.Set("refresh-ms", p.refresh_interval_ms);
  a.Set("arrival-window", p.arrival_window_s);
  if (p.arrival_window_s < 0 || p.arrival_window_s >= p.duration_s) throw UsageError("--arrival-window is 0..duration");
  p.call_setup = !a.Flag("no-call-setup");
  p.queueing = a.Flag("queueing");
  if (p.refresh_interval_ms < 100 || p.refresh_interval_ms > 65535) throw UsageError("--refresh-ms is 100..65535");
  p.key_dir = a.Get("keys").value_or("");
  p.gms_uri = a.Get("gms").value_or(p.gms_uri);
  if (auto t = a.Get("time")) {
    auto unix = security::kms::ParseXsDateTime(*t);
    if (!unix) throw UsageError("--time is an xs:dateTime such as 2026-11-22T12:00:00Z");
    p.unix_time = *unix;
  }
  if (p.members < 2) throw UsageError("a group call needs at least 2 members");
  ReadRadio(a, p.radio);
  const std::string out = OutDir(a);
  RunCost cost;
  const scenarios::OffnetGroupCallResult r = Measured([&] { return scenarios::RunOffnetGroupCall(p); }, cost);

  json metrics = OffnetCallMetrics(r.stats, p.members + p.members_without_gmk - 1.0);
  metrics["collisions"] = {{"pscch", r.collisions_pscch}, {"pssch", r.collisions_pssch}};
  metrics["duplicate_arbitrators"] = r.duplicate_arbitrators;
  metrics["call_control_messages"] = {{"probes", r.probes}, {"announcements", r.announcements}};
  json s = {{"scenario", "offnet-group-call"},
            {"seed", p.seed},
            {"params", {{"members", p.members}, {"radius_m", p.radius_m}, {"duration_s", p.duration_s},
                        {"ptt_mean_interval_s", p.ptt_mean_interval_s}, {"talk_mean_s", p.talk_mean_s},
                        {"radio", RadioJson(p.radio)}, {"t201_ms", p.t201_ms}, {"c201", p.c201},
                        {"members_without_gmk", p.members_without_gmk}, {"call_setup", p.call_setup},
                        {"refresh_interval_ms", p.refresh_interval_ms}, {"arrival_window_s", p.arrival_window_s},
                        {"queueing", p.queueing}}},
            {"metrics", metrics}};
  WriteFile(out + "/summary.json", s.dump(2) + "\n");
  WriteRunInfo(out, "offnet-group-call", cost, r.sim_end_s);
  if (!a.Flag("quiet")) {
    const json& m = s["metrics"];
    auto v = [](const json& x) { return x.is_null() ? std::string("-") : x.dump(); };
    std::printf("offnet-group-call: %u members in %.0f m, %g s, period %u ms, seed %llu\n", p.members, p.radius_m,
                p.duration_s, p.radio.sc_period_ms, (unsigned long long)p.seed);
    std::printf("  floor access: p50 %s ms, p95 %s ms; outcomes %s\n", v(m["floor_access_ms"]["p50"]).c_str(),
                v(m["floor_access_ms"]["p95"]).c_str(), [&] {
                  std::string o;
                  for (const auto& [k, x] : r.stats.access_ms) o += k + " " + std::to_string(x.size()) + " ";
                  return o;
                }().c_str());
    std::printf("  mouth-to-ear: p50 %s ms, p95 %s ms (%zu frames heard)\n", v(m["mouth_to_ear_ms"]["p50"]).c_str(),
                v(m["mouth_to_ear_ms"]["p95"]).c_str(), r.stats.mouth_to_ear_ms.size());
    std::printf("  floor control: %llu messages, %llu B plain, %llu B SRTCP; sidelink PRR %s; collisions PSCCH %llu PSSCH %llu\n",
                (unsigned long long)r.stats.floor_messages, (unsigned long long)r.stats.floor_plain_bytes,
                (unsigned long long)r.stats.floor_protected_bytes, m["sidelink_prr"].dump().c_str(),
                (unsigned long long)r.collisions_pscch, (unsigned long long)r.collisions_pssch);
    std::printf("  errors: %s\n", r.stats.errors.empty() ? "none" : m["errors"].dump().c_str());
    std::printf("  wall clock %.2f s, peak memory %.1f MB; results in %s\n", cost.wall_s, cost.peak_rss_mb, out.c_str());
  }
  return 0;
}

const char* kOffnetPrivateCallHelp =
    "usage: mcxsim run offnet-private-call [--distance M] [--calls K] [--period MS] [--seed S]\n"
    "          --out DIR [options]\n"
    "  Two UEs with no network, provisioned by one KMS beforehand, set up K private calls over the\n"
    "  PC5 sidelink: PRIVATE CALL SETUP REQUEST with a fresh PCK in a MIKEY-SAKKE I_MESSAGE (signed,\n"
    "  SAKKE-encrypted to the callee), ACCEPT after the callee's checks; then the caller talks with\n"
    "  floor control and voice under the PCK. Writes DIR/summary.json and DIR/run_info.json.\n"
    "options (defaults in brackets):\n"
    "  --distance M [100]  --calls K [20]  --interval S [5]  --talk S [2]  --period MS [40]\n"
    "  --ktrp K [4]  --mcs M [16]  --prbs P [10]  --shadowing DB [0]  --device-factor F [3]\n"
    "  --tfp1-ms MS [40]  --cfp1 N [3] (setup request retransmission timer and count)\n"
    "  --foreign-callee (the callee's keys come from a KMS the caller's domain does not know)\n"
    "  --seed S [1]\n";

int RunOffnetPrivateCallCmd(const std::vector<std::string>& argv) {
  Args a(argv, {"distance", "calls", "interval", "talk", "period", "ktrp", "mcs", "prbs", "shadowing", "device-factor",
                "tfp1-ms", "cfp1", "seed", "out"},
         {"foreign-callee", "quiet"});
  if (a.Help()) {
    std::printf("%s", kOffnetPrivateCallHelp);
    return 0;
  }
  scenarios::OffnetPrivateCallParams p;
  a.Set("distance", p.distance_m);
  a.Set("calls", p.calls);
  a.Set("interval", p.call_interval_s);
  a.Set("talk", p.talk_s);
  a.Set("device-factor", p.device_factor);
  a.Set("tfp1-ms", p.tfp1_ms);
  a.Set("cfp1", p.cfp1);
  a.Set("seed", p.seed);
  p.foreign_callee = a.Flag("foreign-callee");
  if (p.calls == 0) throw UsageError("--calls must be at least 1");
  ReadRadio(a, p.radio);
  const std::string out = OutDir(a);
  RunCost cost;
  const scenarios::OffnetPrivateCallResult r = Measured([&] { return scenarios::RunOffnetPrivateCall(p); }, cost);

  json metrics = OffnetCallMetrics(r.stats, 1.0);
  metrics["call_setup_ms"] = Percentiles(r.call_setup_ms, 1.0);
  metrics["calls_established"] = r.calls_established;
  json s = {{"scenario", "offnet-private-call"},
            {"seed", p.seed},
            {"params", {{"distance_m", p.distance_m}, {"calls", p.calls}, {"call_interval_s", p.call_interval_s},
                        {"talk_s", p.talk_s}, {"radio", RadioJson(p.radio)}, {"device_factor", p.device_factor}, {"tfp1_ms", p.tfp1_ms}, {"cfp1", p.cfp1},
                        {"foreign_callee", p.foreign_callee}}},
            {"metrics", metrics}};
  WriteFile(out + "/summary.json", s.dump(2) + "\n");
  WriteRunInfo(out, "offnet-private-call", cost, r.sim_end_s);
  if (!a.Flag("quiet")) {
    const json& m = s["metrics"];
    auto v = [](const json& x) { return x.is_null() ? std::string("-") : x.dump(); };
    std::printf("offnet-private-call: %u calls over %.0f m, period %u ms, seed %llu\n", p.calls, p.distance_m,
                p.radio.sc_period_ms, (unsigned long long)p.seed);
    std::printf("  established %u/%u; call setup p50 %s ms, p95 %s ms\n", r.calls_established, p.calls,
                v(m["call_setup_ms"]["p50"]).c_str(), v(m["call_setup_ms"]["p95"]).c_str());
    std::printf("  floor access p50 %s ms; mouth-to-ear p50 %s ms, p95 %s ms\n", v(m["floor_access_ms"]["p50"]).c_str(),
                v(m["mouth_to_ear_ms"]["p50"]).c_str(), v(m["mouth_to_ear_ms"]["p95"]).c_str());
    std::printf("  errors: %s\n", r.stats.errors.empty() ? "none" : m["errors"].dump().c_str());
    std::printf("  wall clock %.2f s, peak memory %.1f MB; results in %s\n", cost.wall_s, cost.peak_rss_mb, out.c_str());
  }
  return 0;
}


const char* kOnOffTransitionHelp =
    "usage: mcxsim run on-off-transition [--members N] [--away K] [--leave S] [--rekeys S,S,...]\n"
    "          [--return S] [--seed S] --out DIR [options]\n"
    "  A group provisioned on-network (KMS, GMS, MCX server, UE clients on the ideal access\n"
    "  network; every key by MIKEY-SAKKE); members ue0..ue<K-1> leave coverage one after another\n"
    "  and hold an off-network group call over the PC5 sidelink with the GMKs their client stored;\n"
    "  the GMS rekeys while they are away; they come back, register again and re-subscribe, and\n"
    "  the GMS's NOTIFY brings the current GMK. Writes DIR/summary.json (per member: stale-key\n"
    "  time, catch-up time, off-network messages it could not decrypt; the off-network call's\n"
    "  metrics; the GMS's record of answers), DIR/members.csv and DIR/run_info.json.\n"
    "options (defaults in brackets):\n"
    "  --members N [6]  --away K [3]  --leave S [10] (ue0 leaves)  --leave-stagger S [6] (ue<i> at\n"
    "  leave + i*stagger)  --rekeys S,S,... [20]  --return S [60]  --end S [75]\n"
    "  --activation-delay S [0] (a new GMK becomes active this long after its rekey)\n"
    "  --key-lifetime S [0] (a GMK expires this long after its activation; 0 = never)\n"
    "  --rekey-period S [0] (the GMS also rekeys on its own)  --transport sip|http [sip]\n"
    "  --sip-t1 S [0.5]  --ue-device-factor F [3]\n"
    "  off-network call: --radius M [100]  --ptt-interval S [4]  --talk S [2]  --period MS [40]\n"
    "  --ktrp K [2]  --mcs M [16]  --prbs P [5]  --shadowing DB [0]  --t201-ms MS [40]  --c201 N [3]\n"
    "  --seed S [1]\n";

int RunOnOffTransitionCmd(const std::vector<std::string>& argv) {
  Args a(argv, {"members", "away", "leave", "leave-stagger", "rekeys", "return", "end", "activation-delay", "key-lifetime",
                "rekey-period", "transport", "sip-t1", "ue-device-factor", "radius", "ptt-interval", "talk", "period",
                "ktrp", "mcs", "prbs", "shadowing", "t201-ms", "c201", "seed", "out"},
         {"quiet"});
  if (a.Help()) {
    std::printf("%s", kOnOffTransitionHelp);
    return 0;
  }
  scenarios::OnOffTransitionParams p;
  a.Set("members", p.net.members);
  a.Set("away", p.away);
  a.Set("leave", p.leave_s);
  a.Set("leave-stagger", p.leave_stagger_s);
  a.Set("return", p.return_s);
  a.Set("end", p.end_s);
  a.Set("activation-delay", p.net.activation_delay_s);
  a.Set("key-lifetime", p.key_lifetime_s);
  a.Set("rekey-period", p.net.rekey_period_s);
  a.Set("sip-t1", p.net.sip_t1_s);
  a.Set("ue-device-factor", p.net.ue_device_factor);
  a.Set("radius", p.radius_m);
  a.Set("ptt-interval", p.ptt_mean_interval_s);
  a.Set("talk", p.talk_mean_s);
  a.Set("t201-ms", p.t201_ms);
  a.Set("c201", p.c201);
  a.Set("seed", p.net.seed);
  if (auto v = a.Get("rekeys")) p.rekeys_s = NumberList(*v);
  p.net.transport = a.Get("transport").value_or("sip");
  if (p.net.transport != "sip" && p.net.transport != "http") throw UsageError("--transport is sip or http");
  if (!a.Get("end")) p.end_s = std::max(p.end_s, p.return_s + 15);
  ReadRadio(a, p.radio);
  const std::string out = OutDir(a);
  RunCost cost;
  scenarios::OnOffTransitionResult r;
  try {
    r = Measured([&] { return scenarios::RunOnOffTransition(p); }, cost);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }

  auto round3 = [](double x) { return std::round(x * 1000.0) / 1000.0; };
  std::vector<double> staleAway, staleHome, catchUp, unusableAway, unusableHome;
  uint64_t undecryptable = 0, noActive = 0;
  std::map<std::string, uint64_t> byReason;
  json members = json::array();
  std::ofstream csv(out + "/members.csv");
  csv << "member,away,left_s,returned_s,stale_key_ms,without_usable_gmk_ms,catch_up_ms,current_at_end,undecryptable,"
         "no_active_gmk\n";
  for (const auto& m : r.members) {
    (m.away ? staleAway : staleHome).push_back(m.stale_key_ms);
    (m.away ? unusableAway : unusableHome).push_back(m.without_usable_gmk_ms);
    if (m.catch_up_ms) catchUp.push_back(*m.catch_up_ms);
    undecryptable += m.undecryptable;
    noActive += m.no_active_gmk;
    for (const auto& [k, v] : m.undecryptable_by_reason) byReason[k] += v;
    json j = {{"member", m.member}, {"away", m.away}, {"stale_key_ms", round3(m.stale_key_ms)},
              {"without_usable_gmk_ms", round3(m.without_usable_gmk_ms)}, {"current_at_end", m.current_at_end}};
    if (m.away) {
      j["left_s"] = m.left_s;
      j["returned_s"] = m.returned_s;
      j["catch_up_ms"] = m.catch_up_ms ? json(round3(*m.catch_up_ms)) : json(nullptr);
      j["undecryptable"] = m.undecryptable;
      j["undecryptable_by_reason"] = m.undecryptable_by_reason;
      j["no_active_gmk"] = m.no_active_gmk;
    }
    members.push_back(j);
    csv << m.member << ',' << m.away << ',' << (m.away ? std::to_string(m.left_s) : "") << ','
        << (m.away ? std::to_string(m.returned_s) : "") << ',' << round3(m.stale_key_ms) << ','
        << round3(m.without_usable_gmk_ms) << ','
        << (m.catch_up_ms ? std::to_string(round3(*m.catch_up_ms)) : "") << ',' << m.current_at_end << ','
        << m.undecryptable << ',' << m.no_active_gmk << '\n';
  }
  const double receivers = r.offnet.sidelink_packets_sent ? r.expected_receptions / r.offnet.sidelink_packets_sent : 1.0;
  json offnet = OffnetCallMetrics(r.offnet, receivers);
  offnet["collisions"] = {{"pscch", r.collisions_pscch}, {"pssch", r.collisions_pssch}};
  json metrics = {{"stale_key_ms", {{"away", Percentiles(staleAway, 1.0)}, {"in_coverage", Percentiles(staleHome, 1.0)}}},
                  {"without_usable_gmk_ms",
                   {{"away", Percentiles(unusableAway, 1.0)}, {"in_coverage", Percentiles(unusableHome, 1.0)}}},
                  {"catch_up_ms", Percentiles(catchUp, 1.0)},
                  {"offnet_undecryptable", {{"total", undecryptable}, {"by_reason", byReason}}},
                  {"offnet_ptt_refused_no_active_gmk", noActive},
                  {"rekey_answers", r.rekey_answers},
                  {"onnet_errors", r.errors},
                  {"offnet_call", offnet},
                  {"members", members}};
  json s = {{"scenario", "on-off-transition"},
            {"seed", p.net.seed},
            {"params", {{"members", p.net.members}, {"away", p.away}, {"leave_s", p.leave_s},
                        {"leave_stagger_s", p.leave_stagger_s}, {"rekeys_s", p.rekeys_s}, {"return_s", p.return_s},
                        {"end_s", p.end_s}, {"activation_delay_s", p.net.activation_delay_s},
                        {"key_lifetime_s", p.key_lifetime_s}, {"rekey_period_s", p.net.rekey_period_s},
                        {"transport", p.net.transport}, {"radius_m", p.radius_m},
                        {"ptt_mean_interval_s", p.ptt_mean_interval_s}, {"talk_mean_s", p.talk_mean_s},
                        {"radio", RadioJson(p.radio)}, {"t201_ms", p.t201_ms}, {"c201", p.c201}}},
            {"metrics", metrics}};
  WriteFile(out + "/summary.json", s.dump(2) + "\n");
  WriteRunInfo(out, "on-off-transition", cost, r.sim_end_s);
  if (!a.Flag("quiet")) {
    std::printf("on-off-transition: %u members, %u away from %g s to %g s, rekeys at %s, seed %llu\n", p.net.members,
                p.away, p.leave_s, p.return_s, json(p.rekeys_s).dump().c_str(), (unsigned long long)p.net.seed);
    for (const auto& m : r.members)
      std::printf("  %-24s %-11s stale %8.1f ms  no usable GMK %8.1f ms  catch-up %s  undecryptable %llu\n",
                  m.member.c_str(), m.away ? "away" : "in coverage", m.stale_key_ms, m.without_usable_gmk_ms,
                  m.catch_up_ms ? (std::to_string(static_cast<long long>(std::lround(*m.catch_up_ms))) + " ms").c_str() : "-",
                  (unsigned long long)m.undecryptable);
    std::printf("  off-network call: floor access p50 %s ms; %llu floor messages; errors %s\n",
                offnet["floor_access_ms"]["p50"].dump().c_str(), (unsigned long long)r.offnet.floor_messages,
                r.offnet.errors.empty() ? "none" : offnet["errors"].dump().c_str());
    std::printf("  GMS answers to the rekeys: %s\n", json(r.rekey_answers).dump().c_str());
    std::printf("  wall clock %.2f s, peak memory %.1f MB; results in %s\n", cost.wall_s, cost.peak_rss_mb, out.c_str());
  }
  return 0;
}

}  // namespace

int RunScenario(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::printf("usage: mcxsim run <scenario> [options]   (mcxsim list shows the scenarios)\n");
    return argv.empty() ? 2 : 0;
  }
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (argv[0] == "group-rekey") return RunGroupRekeyCmd(rest);
  if (argv[0] == "sidelink-prr") return RunSidelinkPrrCmd(rest);
  if (argv[0] == "offnet-group-call") return RunOffnetGroupCallCmd(rest);
  if (argv[0] == "offnet-private-call") return RunOffnetPrivateCallCmd(rest);
  if (argv[0] == "on-off-transition") return RunOnOffTransitionCmd(rest);
  throw UsageError("unknown scenario '" + argv[0] + "' (mcxsim list)");
}

int ListScenarios(const std::vector<std::string>&) {
  std::printf("group-rekey   GMK distribution and rekeying over LTE or an ideal network (TS 33.180 5.7)\n");
  std::printf("sidelink-prr  PC5 sidelink packet reception ratio versus distance, and one-way latency\n");
  std::printf("offnet-group-call  MCPTT group call over the PC5 sidelink with protected off-network floor control\n");
  std::printf("offnet-private-call  private calls over the PC5 sidelink: PCK by MIKEY-SAKKE in the setup request\n");
  std::printf("on-off-transition  members leave coverage, a rekey happens while they are away, they catch up on return\n");
  return 0;
}

int DescribeScenario(const std::vector<std::string>& argv) {
  if (argv.empty()) throw UsageError("describe needs a scenario name");
  if (argv[0] == "group-rekey") {
    std::printf("%s", kGroupRekeyHelp);
    return 0;
  }
  if (argv[0] == "sidelink-prr") {
    std::printf("%s", kSidelinkPrrHelp);
    return 0;
  }
  if (argv[0] == "offnet-group-call") {
    std::printf("%s", kOffnetGroupCallHelp);
    return 0;
  }
  if (argv[0] == "offnet-private-call") {
    std::printf("%s", kOffnetPrivateCallHelp);
    return 0;
  }
  if (argv[0] == "on-off-transition") {
    std::printf("%s", kOnOffTransitionHelp);
    return 0;
  }
  throw UsageError("unknown scenario '" + argv[0] + "'");
}

}  // namespace mcx::sim
