// mcxsim run | list | describe: every scenario through one path, from its declaration (its
// parameters with their types, units, defaults and ranges; its metrics; its files). A run writes
// summary.json (scenario, seed, every parameter's value, metrics), the scenario's CSVs and
// run_info.json (version, commit, command line, wall clock, memory) into its own folder.
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>
#include <nlohmann/json.hpp>

#include "mcx/crypto/ahead.h"
#include "mcx/crypto/sakke.h"
#include "mcx/scenarios/registry/ns3_options.h"
#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/registry/scenario.h"
#include "mcx/security/srtp_keys.h"
#include "mcx/sim/cli_args.h"
#include "mcx/sim/stop_signals.h"
#include "mcx/sim/version.h"

namespace mcx::sim {

using nlohmann::json;
using scenarios::ParamSpec;
using scenarios::ParamValue;
using scenarios::Scenario;

namespace {

const Scenario& Lookup(const std::string& name) {
  const Scenario* s = scenarios::FindScenario(name);
  if (!s) throw UsageError("unknown scenario '" + name + "' (mcxsim list)");
  return *s;
}

// A parameter's value in summary.json: counts as whole numbers, the rest as they are.
json ToJson(const ParamSpec& spec, const ParamValue& v) {
  if (spec.type == ParamSpec::Type::kCount) return json(static_cast<uint64_t>(std::get<double>(v)));
  return std::visit([](const auto& x) { return json(x); }, v);
}

std::string Default(const ParamSpec& s, const ParamValue& v) {
  if (s.type == ParamSpec::Type::kFlag) return "";
  const std::string text = s.Format(v);
  return " [" + (text.empty() ? "none" : text) + (s.unit.empty() ? "" : " " + s.unit) + "]";
}

// The help and `describe`: what it is, its parameters by section with their defaults and what
// they accept, and (describe) its metrics and files.
std::string Describe(const Scenario& s, bool metrics) {
  std::string out = "usage: mcxsim run " + s.Name() + " [--PARAMETER VALUE ...] --out DIR [--pcap DIR] [--keylog FILE] [--flows DIR] [--threads N] [--ue-key-tables on|off|auto] [--quiet] [--force] [--allow-empty]\n\n" +
                    s.Description() + "\n\nparameters (defaults in brackets):\n";
  const auto values = s.Resolve({});
  std::string section = "\x01";
  for (size_t i = 0; i < s.Params().size(); ++i) {
    const ParamSpec& p = s.Params()[i];
    if (p.section != section) {
      section = p.section;
      if (!section.empty()) out += " " + section + ":\n";
    }
    out += "  --" + p.name + (p.type == ParamSpec::Type::kFlag ? "" : " VALUE") + Default(p, values[i].second) +
           "\n      " + p.help;
    if (p.type != ParamSpec::Type::kFlag && p.type != ParamSpec::Type::kText) out += " (" + p.Accepts() + ")";
    for (const auto& a : p.attributes) out += "; sets " + a;
    out += "\n";
  }
  out += "\n--pcap DIR: pcap files of every point-to-point link and sidelink device, for Wireshark/tshark\n";
  out += "--keylog FILE: every SRTP/SRTCP master key the run uses, one line each (mode 0600; docs/captures.md)\n";
  out += "--flows DIR: each SIP and MONP flow as a Mermaid chart and a ladder, checked against the spec (docs/flows.md)\n";
  out += "--threads N: threads computing the crypto (the simulation's and N-1 workers computing ahead; default: the cores);\n"
         "      results are the same for every N (docs/scale.md)\n";
  out += "--ue-key-tables on|off|auto, --key-table-budget-mb N: whether receiver keys keep their 343 kB RSK line table\n"
         "      (auto [default]: while the tables take less than N MB [512]); memory against CPU time, same results\n";
  out += "also: --ns3::Type::Attribute=VALUE (an ns-3 attribute default), --PrintTypeIds, --PrintAttributes=TYPE\n";
  if (metrics) {
    out += "\nmetrics (summary.json):\n";
    for (const auto& m : s.Metrics()) out += "  " + m.name + (m.unit.empty() ? "" : " [" + m.unit + "]") + ": " + m.meaning + "\n";
    out += "\nfiles: summary.json, run_info.json";
    for (const auto& f : s.Files()) out += ", " + f;
    out += "\n";
  }
  out += "\nquick run: mcxsim run " + s.Name();
  for (const auto& a : s.QuickArgs()) out += " " + a;
  out += " --out DIR\n";
  return out;
}

struct RunCost {
  double wall_s = 0;
  double cpu_s = 0;
  double peak_rss_mb = 0;
};

/// --ue-key-tables on|off|auto: whether receiver keys keep their RSK line tables (crypto/sakke.h).
crypto::sakke::LineTables ParseKeyTables(const std::string& text) {
  if (text == "on") return crypto::sakke::LineTables::kOn;
  if (text == "off") return crypto::sakke::LineTables::kOff;
  if (text == "auto") return crypto::sakke::LineTables::kAuto;
  throw UsageError("--ue-key-tables is on, off or auto, not '" + text + "'");
}

/// The cores this process may run on (its affinity: taskset, Slurm, a container), not the machine's.
unsigned DefaultThreads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

/// --flows: each flow as a Mermaid sequenceDiagram (NNN-protocol.mmd) and a ladder (.txt), an
/// index (flows.txt), and the verdicts of the scenario's expected sequences for summary.json.
json WriteFlows(const std::string& dir, const std::vector<scenarios::Flow>& flows,
                const std::vector<scenarios::FlowSpec>& specs) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
  json deviations = json::array();
  size_t checked = 0, conforming = 0;
  std::string index = "# flow file, protocol, id, messages, verdicts (docs/flows.md)\n";
  for (size_t i = 0; i < flows.size(); ++i) {
    const scenarios::Flow& f = flows[i];
    char stem[32];
    std::string protocol = f.protocol;  // the file's suffix: sip, monp, floor
    for (char& ch : protocol) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::snprintf(stem, sizeof stem, "%03zu-%s", i + 1, protocol.c_str());
    std::string verdicts;
    for (const auto& spec : specs) {
      auto v = scenarios::CheckFlow(f, spec);
      if (!v) continue;
      ++checked;
      if (v->conforms) {
        ++conforming;
        verdicts += "; conforms to " + spec.name + " (" + spec.source + ")";
      } else {
        verdicts += "; DEVIATES from " + spec.name + " (" + spec.source + "): " + v->deviation;
        deviations.push_back({{"flow", std::string(stem)}, {"id", f.id}, {"expected", spec.name}, {"source", spec.source},
                              {"first_deviation", v->deviation}});
      }
    }
    const std::string title = f.protocol + " " + f.id + verdicts;
    WriteFile(dir + "/" + stem + ".mmd", scenarios::Mermaid(f, title));
    WriteFile(dir + "/" + stem + ".txt", scenarios::Ladder(f, title));
    index += std::string(stem) + ", " + f.protocol + ", " + f.id + ", " + std::to_string(f.messages.size()) + " messages" +
             verdicts + "\n";
  }
  WriteFile(dir + "/flows.txt", index);
  return {{"recorded", flows.size()},
          {"checked", checked},
          {"conforming", conforming},
          {"deviating", checked - conforming},
          {"deviations", deviations}};
}

/// Results are never overwritten by accident: a non-empty --out must hold an earlier run of this
/// very command (it is then replaced, and said so), unless --force.
void RefuseToOverwrite(const std::string& dir, const std::string& command, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) throw UsageError("--out " + dir + " is not a directory");
  if (fs::directory_iterator(dir, ec) == fs::directory_iterator()) return;
  if (force) return;
  std::string earlier;
  try {
    earlier = json::parse(ReadFileOrStdin(dir + "/run_info.json")).at("command").get<std::string>();
  } catch (const std::exception&) {
  }
  if (earlier != command)
    throw UsageError("--out " + dir + " is not empty and holds no earlier run of this command (--force writes into it)");
  std::fprintf(stderr, "mcxsim run: replacing the earlier run of this command in %s\n", dir.c_str());
}

}  // namespace

int RunScenario(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::printf("usage: mcxsim run <scenario> [--PARAMETER VALUE ...] --out DIR   (mcxsim list shows the scenarios)\n");
    return argv.empty() ? 2 : 0;
  }
  const Scenario& s = Lookup(argv[0]);
  std::map<std::string, const ParamSpec*> specs;
  for (const ParamSpec& p : s.Params()) specs[p.name] = &p;

  scenarios::ParamValues given;
  std::vector<std::pair<std::string, std::string>> ns3_defaults = scenarios::EnvironmentAttributeDefaults();
  std::optional<std::string> out, pcap, keylog, flows_dir;
  bool quiet = false, force = false, allow_empty = false;
  unsigned threads = DefaultThreads();
  std::string key_tables = "auto";
  crypto::sakke::LineTables key_table_policy = crypto::sakke::LineTables::kAuto;
  size_t key_table_budget_mb = 512;
  std::set<std::string> seen;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", Describe(s, false).c_str());
      return 0;
    }
    if (a.rfind("--", 0) != 0 || a.size() == 2) throw UsageError("unexpected argument '" + a + "'");
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "PrintTypeIds") {
      std::printf("%s", scenarios::TypeIdList().c_str());
      return 0;
    }
    if (name == "PrintAttributes") {
      if (!value) throw UsageError("--PrintAttributes=TYPE names a type");
      auto text = scenarios::AttributeList(*value);
      if (!text) throw UsageError("no ns-3 type " + *value + " (--PrintTypeIds lists them)");
      std::printf("%s", text->c_str());
      return 0;
    }
    if (!seen.insert(name).second) throw UsageError("--" + name + " is given twice");
    auto take_value = [&]() {
      if (value) return *value;
      if (i + 1 >= argv.size()) throw UsageError("--" + name + " needs a value");
      return argv[++i];
    };
    if (name == "quiet" && !value) {
      quiet = true;
    } else if (name == "force" && !value) {
      force = true;
    } else if (name == "allow-empty" && !value) {
      allow_empty = true;
    } else if (name == "threads") {
      threads = static_cast<unsigned>(ParseCount(name, take_value(), 1, 256));
    } else if (name == "ue-key-tables") {
      key_tables = take_value();
      key_table_policy = ParseKeyTables(key_tables);
    } else if (name == "key-table-budget-mb") {
      key_table_budget_mb = ParseCount(name, take_value(), 1, 1000000);
    } else if (name == "out") {
      out = take_value();
    } else if (name == "pcap") {
      pcap = take_value();
    } else if (name == "keylog") {
      keylog = take_value();
    } else if (name == "flows") {
      flows_dir = take_value();
    } else if (name.find("::") != std::string::npos) {  // an ns-3 attribute default
      const std::string v = take_value();
      if (auto why = scenarios::SetAttributeDefault(name, v)) throw UsageError(*why);
      ns3_defaults.emplace_back(name, v);
    } else {
      auto it = specs.find(name);
      if (it == specs.end()) throw UsageError("unknown option --" + name + " for " + s.Name() + "; its options: mcxsim describe " + s.Name());
      const ParamSpec& p = *it->second;
      if (p.type == ParamSpec::Type::kFlag) {
        if (value) throw UsageError("--" + name + " takes no value");
        given[name] = true;
        continue;
      }
      auto parsed = p.Parse(take_value());
      if (auto* why = std::get_if<std::string>(&parsed)) throw UsageError(*why);
      given[name] = std::get<ParamValue>(parsed);
    }
  }
  if (!out) throw UsageError("missing --out DIR");
  // An ns-3 default does not reach the objects a scenario parameter configures: say so.
  for (const auto& [path, v] : ns3_defaults)
    for (const ParamSpec& p : s.Params())
      for (const auto& attr : p.attributes)
        if (attr == path)
          std::fprintf(stderr, "mcxsim run: note: %s sets %s on the objects it configures; --%s=%s does not reach them\n",
                       ("--" + p.name).c_str(), path.c_str(), path.c_str(), v.c_str());

  // summary.json's head: the scenario, its seed and run (RngSeedManager) and every other
  // parameter's value (ns-3 overrides too).
  json params = json::object();
  json seed = nullptr, run = nullptr;
  const auto resolved = s.Resolve(given);
  for (size_t i = 0; i < resolved.size(); ++i) {
    const auto& [name, v] = resolved[i];
    json& slot = name == "seed" ? seed : name == "run" ? run : params[name];
    slot = ToJson(s.Params()[i], v);
  }
  if (!ns3_defaults.empty()) {
    json ns3 = json::object();
    for (const auto& [k, v] : ns3_defaults) ns3[k] = v;
    params["ns3"] = ns3;
  }

  if (auto why = s.Check(given)) throw UsageError(*why);
  std::string command = "mcxsim run";
  for (const auto& a : argv) command += " " + ShellQuote(a);
  RefuseToOverwrite(*out, command, force);
  std::error_code ec;
  std::filesystem::create_directories(*out, ec);
  if (ec) throw std::runtime_error("cannot create " + *out + ": " + ec.message());
  // Where the captures, flows and key log go is checked before the simulation, not after it.
  for (const auto* dir : {&pcap, &flows_dir})
    if (*dir) {
      std::filesystem::create_directories(**dir, ec);
      if (ec) throw UsageError("cannot create " + **dir + ": " + ec.message());
    }
  if (keylog) WriteFile(*keylog, "# mcxsim key log: written when the run ends\n", /*secret=*/true);

  RunCost cost;
  scenarios::RunOutput result;
  std::set<std::string> keys;  // the key log's lines
  scenarios::FlowRecorder flows;
  crypto::ahead::Stats ahead;
  double line_table_peak_mb = 0;
  const auto t0 = std::chrono::steady_clock::now();
  {
    // Ctrl-C (SIGINT) or SIGTERM ends the simulation cleanly: the scenario's metrics over what
    // happened until then are written, with "status": "interrupted".
    StopSignals stop;
    scenarios::RunControl control;
    control.stop = StopSignals::Flag();
    if (pcap) control.pcap_dir = *pcap;
    if (flows_dir) control.flows = &flows;
    // --keylog: every SRTP/SRTCP master key the run derives (docs/captures.md), once each.
    if (keylog)
      security::SetKeyLogSink([&keys](const security::srtp::MasterKey& k, const std::string& what) {
        keys.insert("SRTP * " + (k.mki.empty() ? std::string("-") : crypto::ToHex(k.mki)) + " " + crypto::ToHex(k.key) +
                    " " + crypto::ToHex(k.salt) + " AEAD_AES_128_GCM " + what + "\n");
      });
    const bool progress = !quiet && isatty(STDERR_FILENO) == 1;
    if (progress)
      control.progress = [t0](double now_s, double end_s) {
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const std::string eta = now_s > 0 ? WallDuration(wall * (end_s - now_s) / now_s) : "-";
        std::fprintf(stderr, "\r\033[Krun: simulated %.1f of %.1f s, wall %s, ETA %s", now_s, end_s, WallDuration(wall).c_str(),
                     eta.c_str());
        std::fflush(stderr);
      };
    scenarios::SetRunControl(control);
    // However the run ends, the control and the key log's sink (which point into this frame) go.
    // --threads: the simulation computes on this thread; N-1 workers compute ahead what it will
    // ask for (crypto/ahead.h), which changes no result.
    crypto::ahead::SetWorkers(threads - 1);
    // --ue-key-tables: memory against the simulator's CPU time; no result changes (docs/scale.md).
    crypto::sakke::SetLineTablePolicy(key_table_policy, key_table_budget_mb << 20);
    struct Reset {
      ~Reset() {
        scenarios::SetRunControl({});
        security::SetKeyLogSink({});
        crypto::ahead::SetWorkers(0);
        crypto::sakke::SetLineTablePolicy(crypto::sakke::LineTables::kOn);
      }
    } reset;
    try {
      result = s.Run(given);
    } catch (const scenarios::ParamError& e) {
      throw UsageError(e.what());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    if (progress) std::fprintf(stderr, "\r\033[K");
    ahead = crypto::ahead::GetStats();
    line_table_peak_mb = static_cast<double>(crypto::sakke::LineTableBytesPeak()) / (1 << 20);
  }
  if (keylog) {
    std::string text = "# mcxsim key log (docs/captures.md): SRTP <ssrc|*> <MKI|-> <master key> <master salt> <AEAD> <what>\n"
                       "# " + command + "\n";
    for (const auto& line : keys) text += line;
    WriteFile(*keylog, text, /*secret=*/true);
  }
  const bool interrupted = scenarios::LastRunInterrupted();
  if (interrupted) result.simulated_s = scenarios::LastRunReachedS();
  cost.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  cost.peak_rss_mb = ru.ru_maxrss / 1024.0;
  cost.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;

  json summary = {
      {"scenario", s.Name()}, {"seed", seed}, {"run", run}, {"params", params}, {"metrics", result.metrics}};
  if (flows_dir) summary["flows"] = WriteFlows(*flows_dir, flows.Flows(), s.ExpectedFlows());
  WriteFile(*out + "/summary.json", summary.dump(2) + "\n");
  for (const auto& t : result.tables) WriteFile(*out + "/" + t.file, t.csv);
  json info = {{"mcxsim_version", kVersion},
               {"git_commit", kGitCommit},
               {"command", command},
               {"status", interrupted                       ? "interrupted"
                          : result.nothing_happened.empty() ? "completed"
                                                            : "nothing_happened"},
               {"wall_clock_s", std::round(cost.wall_s * 1000) / 1000},
               {"cpu_s", std::round(cost.cpu_s * 1000) / 1000},
               {"peak_rss_mb", std::round(cost.peak_rss_mb * 10) / 10},
               {"simulated_s", result.simulated_s},
               {"threads", threads},
               {"ue_key_tables", key_tables},
               {"key_table_budget_mb", key_table_budget_mb},
               {"line_tables_peak_mb", std::round(line_table_peak_mb * 10) / 10},
               // What the workers computed ahead and how the simulation met it (docs/scale.md).
               {"computed_ahead",
                {{"submitted", ahead.submitted},
                 {"ready", ahead.ready},
                 {"waited", ahead.waited},
                 {"computed_by_simulation", ahead.stolen},
                 {"dropped", ahead.dropped},
                 {"unused", ahead.pending},
                 {"wait_s", std::round(ahead.wait_s * 1000) / 1000}}}};
  if (!result.nothing_happened.empty()) info["nothing_happened"] = result.nothing_happened;
  WriteFile(*out + "/run_info.json", info.dump(2) + "\n");
  if (!quiet) {
    std::printf("%s", result.report.c_str());
    std::printf("  wall clock %.2f s, peak memory %.1f MB; results in %s\n", cost.wall_s, cost.peak_rss_mb, out->c_str());
  }
  if (interrupted) {
    std::fprintf(stderr, "mcxsim: run %s interrupted at %.3f s of simulated time; partial results in %s\n", s.Name().c_str(),
                 result.simulated_s, out->c_str());
    return 130;
  }
  if (!result.nothing_happened.empty()) {
    std::fprintf(stderr, "mcxsim: run %s: nothing to measure: %s (results in %s; --allow-empty if that was the point)\n",
                 s.Name().c_str(), result.nothing_happened.c_str(), out->c_str());
    if (!allow_empty) return 3;
  }
  return 0;
}

int ListScenarios(const std::vector<std::string>& argv) {
  if (!argv.empty()) throw UsageError("list takes no arguments");
  size_t width = 0;
  for (const Scenario* s : scenarios::Registry()) width = std::max(width, s->Name().size());
  for (const Scenario* s : scenarios::Registry())
    std::printf("%-*s  %s\n", static_cast<int>(width), s->Name().c_str(), s->Summary().c_str());
  return 0;
}

int DescribeScenario(const std::vector<std::string>& argv) {
  if (argv.size() != 1) throw UsageError("describe takes one scenario name");
  std::printf("%s", Describe(Lookup(argv[0]), true).c_str());
  return 0;
}

}  // namespace mcx::sim
