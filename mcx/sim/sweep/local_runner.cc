#include "mcx/sim/sweep/local_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "mcx/sim/cli_args.h"
#include "mcx/sim/stop_signals.h"

namespace mcx::sim::sweep {

namespace {

class Progress {
 public:
  Progress(size_t total, bool quiet) : total_(total), quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1) {}
  // On a terminal one line rewritten in place; otherwise a line per finished run.
  void Show(size_t finished, size_t running, size_t failed, bool ended_one) {
    if (quiet_ || (!tty_ && !ended_one)) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    std::string eta = "ETA -";
    if (finished > 0 && finished < total_) eta = "ETA " + WallDuration(elapsed / static_cast<double>(finished) * static_cast<double>(total_ - finished));
    std::fprintf(stderr, "%ssweep: %zu/%zu done, %zu running, %zu failed, %s elapsed, %s%s", tty_ ? "\r\033[K" : "",
                 finished - failed, total_, running, failed, WallDuration(elapsed).c_str(), eta.c_str(), tty_ ? "" : "\n");
    std::fflush(stderr);
  }
  void End() {
    if (!quiet_ && tty_) std::fprintf(stderr, "\n");
  }

 private:
  size_t total_;
  bool quiet_, tty_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execv(args[0], args.data());
    const char* why = std::strerror(errno);
    (void)!write(STDERR_FILENO, "cannot start mcxsim: ", 21);
    (void)!write(STDERR_FILENO, why, std::strlen(why));
    _exit(127);
  }
  return pid;
}

// The running `mcxsim run` processes. Whatever ends the runner (an exception included), none is
// left behind writing into a folder the next sweep would clear: each gets SIGTERM and is reaped.
struct Children {
  std::map<pid_t, const PlannedRun*> running;
  ~Children() {
    for (const auto& [pid, r] : running) kill(pid, SIGTERM);
    for (const auto& [pid, r] : running) waitpid(pid, nullptr, 0);
  }
};

}  // namespace

LocalRunResult RunLocally(Campaign& campaign, const std::vector<const PlannedRun*>& to_run, const LocalRunOptions& opts) {
  StopSignals signals;
  LocalRunResult result;
  Progress progress(to_run.size(), opts.quiet);
  Children children;
  auto& running = children.running;
  size_t next = 0, finished = 0;
  bool forwarded = false;
  progress.Show(0, 0, 0, false);
  while (next < to_run.size() || !running.empty()) {
    while (!signals.Requested() && next < to_run.size() && running.size() < std::max(1u, opts.jobs)) {
      const PlannedRun& r = *to_run[next++];
      std::error_code ec;
      std::filesystem::remove_all(campaign.RunDir(r), ec);  // a fresh folder: nothing of an earlier try
      running[Spawn(campaign.Command(r, opts.mcxsim), campaign.LogPath(r))] = &r;
    }
    if (signals.Requested() && !forwarded) {
      for (const auto& [pid, r] : running) kill(pid, SIGTERM);
      forwarded = true;
      result.interrupted = true;
    }
    if (running.empty()) break;
    progress.Show(finished, running.size(), result.failed, false);
    // Polled, so a stop request that arrives between the check above and the wait is seen
    // within 20 ms rather than when a run happens to end.
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0 || (pid < 0 && errno == EINTR)) {
      const timespec pause{0, 20'000'000};
      nanosleep(&pause, nullptr);
      continue;
    }
    if (pid < 0) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    RunRecord rec = campaign.Record(*it->second, code);
    if (signals.Requested() && rec.status == "failed") rec.status = "interrupted";
    campaign.Db().Put(rec);
    running.erase(it);
    ++finished;
    if (rec.status == "completed" || rec.status == "nothing_happened")
      ++result.completed;
    else
      ++result.failed;
    progress.Show(finished, running.size(), result.failed, true);
  }
  progress.End();
  return result;
}

}  // namespace mcx::sim::sweep
