// mcxsim sweep: a campaign from a sweep file (TOML), resumable, run here in parallel or emitted for
// GNU parallel and Slurm; collect, export (long and aggregated CSV) and status (docs/sweeps.md).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "mcx/sim/cli_args.h"
#include "mcx/sim/sweep/campaign.h"
#include "mcx/sim/sweep/emit.h"
#include "mcx/sim/sweep/local_runner.h"

namespace mcx::sim {

namespace fs = std::filesystem;
using namespace sweep;

namespace {

constexpr const char* kUsage =
    "usage: mcxsim sweep FILE [--dir DIR] [--jobs N] [--quiet] [--allow-version-mix]\n"
    "                         [--emit parallel|slurm [--chunk K] [--throttle N] [--sbatch-option OPT]...]\n"
    "                         [--mcxsim PATH]\n"
    "       mcxsim sweep collect DIR [--allow-version-mix]\n"
    "       mcxsim sweep export DIR [--out DIR2]\n"
    "       mcxsim sweep status DIR\n"
    "\n"
    "FILE (TOML) names a scenario, its [fixed] parameters, a [grid] (lists, {from,to,step} or\n"
    "{from,to,times} ranges), [[together]] tables of parameters that vary together, 'runs'\n"
    "replications per point (--run 1..runs) and one 'seed'. The campaign directory (--dir, else the\n"
    "file's 'directory', else FILE's name with .campaign, in the current directory) holds\n"
    "campaign.sqlite, runs/<id>/ and logs/. Running the same command again runs only the runs that\n"
    "are missing or failed; results of another mcxsim version or commit are refused unless\n"
    "--allow-version-mix.\n"
    "\n"
    "  --jobs N            runs at once on this machine [the number of cores]\n"
    "  --emit parallel     write one command line per missing run for GNU parallel, run nothing\n"
    "  --emit slurm        write an sbatch job-array script over the missing runs, run nothing\n"
    "  --chunk K           slurm: K runs per array task [1]\n"
    "  --throttle N        slurm: at most N array tasks at once\n"
    "  --sbatch-option OPT slurm: an extra #SBATCH line (e.g. --partition=short), repeatable\n"
    "  --mcxsim PATH       the mcxsim the runs use [this one]\n"
    "collect  records the runs finished elsewhere (Slurm, GNU parallel) into the database\n"
    "export   writes runs.csv (one row per run) and aggregated.csv (per point and metric: n, mean,\n"
    "         sd, 95 % confidence interval from Student's t) into DIR/export or --out\n"
    "status   counts the planned runs by state\n";

std::string SelfPath() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find this mcxsim binary: " + ec.message());
  return p.string();
}

std::string DefaultDir(const std::string& file, const SweepSpec& spec) {
  if (spec.directory) return *spec.directory;
  return fs::path(file).stem().string() + ".campaign";
}

int Collect(const std::vector<std::string>& argv) {
  Args args(argv, {}, {"allow-version-mix"});
  if (args.Help() || args.Positionals().size() != 1) throw UsageError("usage: mcxsim sweep collect DIR [--allow-version-mix]");
  auto c = Campaign::Open(args.Positionals()[0], args.Flag("allow-version-mix"));
  CollectCounts n;
  try {
    n = c->Collect();
  } catch (const VersionMismatch& e) {
    throw UsageError(e.what());
  }
  std::printf("collected %zu runs into %s/campaign.sqlite; %zu of %zu planned runs have no finished folder\n", n.loaded,
              c->Dir().c_str(), n.unfinished, c->Plan().size());
  return 0;
}

int Export(const std::vector<std::string>& argv) {
  Args args(argv, {"out"}, {});
  if (args.Help() || args.Positionals().size() != 1) throw UsageError("usage: mcxsim sweep export DIR [--out DIR2]");
  auto c = Campaign::Open(args.Positionals()[0], true);
  const std::string out = args.Get("out").value_or(c->Dir() + "/export");
  c->Export(out);
  std::printf("%s/runs.csv\n%s/aggregated.csv\n", out.c_str(), out.c_str());
  return 0;
}

int Status(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  if (args.Help() || args.Positionals().size() != 1) throw UsageError("usage: mcxsim sweep status DIR");
  auto c = Campaign::Open(args.Positionals()[0], true);
  const auto rows = c->Db().Runs();
  std::map<std::string, size_t> by_state;
  for (const PlannedRun& r : c->Plan()) {
    auto it = rows.find(r.id);
    ++by_state[it == rows.end() ? "missing" : it->second.status];
  }
  std::printf("%s: %s, %zu points x %u runs = %zu runs\n", c->Dir().c_str(), c->Spec().scenario.c_str(), c->Points().size(),
              c->Spec().runs, c->Plan().size());
  for (const auto& [state, n] : by_state) std::printf("  %-17s %zu\n", state.c_str(), n);
  std::printf("  to do             %zu\n", c->Missing().size());
  return 0;
}

}  // namespace

int RunSweep(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::printf("%s", kUsage);
    return argv.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (argv[0] == "collect") return Collect(rest);
  if (argv[0] == "export") return Export(rest);
  if (argv[0] == "status") return Status(rest);

  Args args(argv, {"dir", "jobs", "emit", "chunk", "throttle", "sbatch-option*", "mcxsim"}, {"quiet", "allow-version-mix"});
  if (args.Help()) {
    std::printf("%s", kUsage);
    return 0;
  }
  if (args.Positionals().size() != 1) throw UsageError("mcxsim sweep takes one sweep file (mcxsim sweep --help)");
  const std::string file = args.Positionals()[0];
  const std::string text = ReadFileOrStdin(file);
  auto parsed = ParseSweep(text, file);
  if (auto* why = std::get_if<std::string>(&parsed)) throw UsageError(*why);
  if (auto why = CheckSweep(std::get<SweepSpec>(parsed))) throw UsageError(file + ": " + *why);
  const std::string dir = args.Get("dir").value_or(DefaultDir(file, std::get<SweepSpec>(parsed)));
  const std::string mcxsim = args.Get("mcxsim").value_or(SelfPath());
  if (access(mcxsim.c_str(), X_OK) != 0) throw UsageError("--mcxsim " + mcxsim + " is not an executable file");

  std::unique_ptr<Campaign> c;
  try {
    c = Campaign::Start(dir, text, args.Flag("allow-version-mix"));
    if (c->ReplacedSweep())
      std::fprintf(stderr,
                   "mcxsim sweep: %s last ran another sweep file; its finished runs are kept (a run's id is its "
                   "parameters, seed and run) and the campaign is now %s's points; the earlier text is kept in "
                   "campaign.sqlite as %s\n",
                   dir.c_str(), file.c_str(), c->ReplacedSweep()->c_str());
    // Runs that ended elsewhere since the last look (a job array, GNU parallel) count as done.
    c->Collect();
  } catch (const VersionMismatch& e) {
    throw UsageError(e.what());
  }
  const auto to_run = c->Missing();
  const size_t planned = c->Plan().size();

  if (auto emit = args.Get("emit")) {
    if (*emit != "parallel" && *emit != "slurm") throw UsageError("--emit is parallel or slurm, not '" + *emit + "'");
    if (to_run.empty()) {
      std::printf("all %zu runs are done, nothing to emit (mcxsim sweep export %s)\n", planned, c->Dir().c_str());
      return 0;
    }
    EmitOptions o;
    o.mcxsim = fs::absolute(mcxsim).string();
    o.chunk = static_cast<unsigned>(args.Count("chunk", 1, 100000).value_or(1));
    o.throttle = static_cast<unsigned>(args.Count("throttle", 1, 100000).value_or(0));
    o.sbatch_options = args.All("sbatch-option");
    const Emitted e = *emit == "parallel" ? EmitParallel(*c, to_run, o) : EmitSlurm(*c, to_run, o);
    std::printf("%zu of %zu runs to do: %s\nnext:\n%s\n", e.runs, planned, e.file.c_str(), e.how.c_str());
    return 0;
  }
  if (args.Get("chunk") || args.Get("throttle") || !args.All("sbatch-option").empty())
    throw UsageError("--chunk, --throttle and --sbatch-option go with --emit slurm");

  const bool quiet = args.Flag("quiet");
  if (!quiet)
    std::fprintf(stderr, "sweep: %s, %zu points x %u runs = %zu runs; %zu to do, in %s\n", c->Spec().scenario.c_str(),
                 c->Points().size(), c->Spec().runs, planned, to_run.size(), dir.c_str());
  LocalRunOptions o;
  o.jobs = static_cast<unsigned>(args.Count("jobs", 1, 4096).value_or(static_cast<uint64_t>(std::max(1l, sysconf(_SC_NPROCESSORS_ONLN)))));
  o.mcxsim = mcxsim;
  o.quiet = quiet;
  const LocalRunResult r = RunLocally(*c, to_run, o);
  if (r.interrupted) {
    std::fprintf(stderr, "sweep: interrupted; %zu runs still to do (the same command resumes)\n", c->Missing().size());
    return 130;
  }
  if (r.failed) {
    std::fprintf(stderr, "sweep: %zu runs failed (their logs: %s/logs/<id>.txt; mcxsim sweep status %s); the same command retries them\n",
                 r.failed, dir.c_str(), dir.c_str());
    return 1;
  }
  if (!quiet) std::fprintf(stderr, "sweep: all %zu runs done; mcxsim sweep export %s\n", planned, dir.c_str());
  return 0;
}

}  // namespace mcx::sim
