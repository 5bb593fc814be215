#include "mcx/sim/sweep/emit.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "mcx/sim/cli_args.h"

namespace mcx::sim::sweep {

namespace fs = std::filesystem;

namespace {

// A new name under `sub` ending in the UTC time (and a counter when that is taken).
std::string Stamped(const std::string& dir, const std::string& stem, const std::string& ext) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  for (int n = 0;; ++n) {
    const std::string stamp = std::string(buf) + (n ? "-" + std::to_string(n) : "");
    if (!fs::exists(dir + "/" + stem + "-" + stamp + ext)) return stamp;
  }
}

std::string CommandLines(const Campaign& c, const std::vector<const PlannedRun*>& to_run, const std::string& mcxsim) {
  std::string out;
  for (const PlannedRun* r : to_run) {
    std::string line;
    for (const auto& a : c.Command(*r, mcxsim)) line += (line.empty() ? "" : " ") + ShellQuote(a);
    out += line + "\n";
  }
  return out;
}

}  // namespace

Emitted EmitParallel(const Campaign& c, const std::vector<const PlannedRun*>& to_run, const EmitOptions& o) {
  const std::string dir = c.Dir() + "/parallel";
  const std::string stamp = Stamped(dir, "commands", ".txt");
  Emitted e;
  e.file = dir + "/commands-" + stamp + ".txt";
  e.runs = to_run.size();
  WriteFile(e.file, CommandLines(c, to_run, o.mcxsim));
  const std::string joblog = dir + "/joblog-" + stamp;
  e.how = "parallel --jobs " + std::to_string(std::max(1l, sysconf(_SC_NPROCESSORS_ONLN))) + " --joblog " +
          ShellQuote(joblog) + " --resume-failed < " + ShellQuote(e.file) + "\n" + "mcxsim sweep collect " +
          ShellQuote(c.Dir()) +
          "\n(the same parallel line resumes after an interruption; --sshlogin HOST,... spreads the runs over hosts "
          "that share this directory and the mcxsim binary's path)";
  return e;
}

Emitted EmitSlurm(const Campaign& c, const std::vector<const PlannedRun*>& to_run, const EmitOptions& o) {
  // sbatch reads #SBATCH lines word by word and expands % in --output: a path with a blank, a
  // quote, a backslash or a % would name another file, so it is refused here.
  if (c.Dir().find_first_of(" \t\n\"'\\%") != std::string::npos)
    throw UsageError("--emit slurm: the campaign directory '" + c.Dir() +
                     "' has a blank, quote, backslash or % that an #SBATCH line cannot carry (--dir another path)");
  const std::string dir = c.Dir() + "/slurm";
  const std::string stamp = Stamped(dir, "sweep", ".sbatch");
  const std::string tasks = dir + "/tasks-" + stamp + ".txt";
  WriteFile(tasks, CommandLines(c, to_run, o.mcxsim));
  const unsigned chunk = std::max(1u, o.chunk);
  const size_t array_tasks = (to_run.size() + chunk - 1) / chunk;
  Emitted e;
  e.file = dir + "/sweep-" + stamp + ".sbatch";
  e.runs = to_run.size();
  std::string s = "#!/bin/bash\n";
  s += "# mcxsim sweep --emit slurm: " + std::to_string(to_run.size()) + " runs of " + c.Spec().scenario + ", " +
       std::to_string(chunk) + " per array task; they write into " + c.Dir() + "/runs.\n";
  s += "# After the job: mcxsim sweep collect " + ShellQuote(c.Dir()) + "\n";
  s += "#SBATCH --job-name=mcxsim-" + c.Spec().scenario + "\n";
  s += "#SBATCH --array=0-" + std::to_string(array_tasks == 0 ? 0 : array_tasks - 1) +
       (o.throttle ? "%" + std::to_string(o.throttle) : "") + "\n";
  s += "#SBATCH --output=" + dir + "/task-" + stamp + "-%a.out\n";
  s += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  for (const auto& opt : o.sbatch_options) s += "#SBATCH " + opt + "\n";
  s += "set -u\n";
  s += "tasks=" + ShellQuote(tasks) + "\n";
  s += "chunk=" + std::to_string(chunk) + "\n";
  s += "first=$(( SLURM_ARRAY_TASK_ID * chunk + 1 ))\n";
  s += "last=$(( first + chunk - 1 ))\n";
  s += "status=0\n";
  s += "while IFS= read -r command; do\n  bash -c \"$command\" </dev/null || status=$?\ndone < <(sed -n \"${first},${last}p\" \"$tasks\")\n";
  s += "exit $status\n";
  WriteFile(e.file, s);
  fs::permissions(e.file, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);
  e.how = "sbatch " + ShellQuote(e.file) + "\nmcxsim sweep collect " + ShellQuote(c.Dir()) + "   (when the job has ended)";
  return e;
}

}  // namespace mcx::sim::sweep
