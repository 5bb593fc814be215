// A campaign directory: the database (campaign.sqlite), one folder per run (runs/<id>, what
// `mcxsim run --out` writes), the runs' logs (logs/<id>.txt), and what `--emit` writes for GNU
// parallel and Slurm. Whatever ran a run (this machine, a job array, hosts under GNU parallel),
// its folder is the result: Collect() loads finished folders into the database, so a campaign
// resumes on any mix of machines sharing the directory.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include "mcx/sim/sweep/campaign_db.h"
#include "mcx/sim/sweep/sweep_spec.h"

namespace mcx::sim::sweep {

/// The campaign's version does not match this mcxsim's (or a run's does not): refused unless
/// the user allows mixing. A usage error for the command line.
struct VersionMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CollectCounts {
  size_t loaded = 0;      ///< folders recorded now (new or changed)
  size_t unfinished = 0;  ///< planned runs without a finished folder
};

class Campaign {
 public:
  /// Opens or creates the campaign in `dir` for this sweep file (its text is stored, so `collect`,
  /// `export` and `status` need only the directory). A campaign started by another mcxsim version
  /// or commit throws VersionMismatch unless `allow_version_mix`.
  static std::unique_ptr<Campaign> Start(const std::string& dir, const std::string& sweep_text, bool allow_version_mix);
  /// Opens an existing campaign directory (throws std::runtime_error when there is none).
  static std::unique_ptr<Campaign> Open(const std::string& dir, bool allow_version_mix);

  ~Campaign();
  Campaign(const Campaign&) = delete;
  Campaign& operator=(const Campaign&) = delete;

  /// The directory, absolute.
  const std::string& Dir() const { return dir_; }
  const SweepSpec& Spec() const { return spec_; }
  const std::vector<SweepPoint>& Points() const { return points_; }
  const std::vector<PlannedRun>& Plan() const { return plan_; }
  CampaignDb& Db() { return *db_; }

  std::string RunDir(const PlannedRun& r) const { return dir_ + "/runs/" + r.id; }
  std::string LogPath(const PlannedRun& r) const { return dir_ + "/logs/" + r.id + ".txt"; }

  /// `mcxsim run` for one run, as an argument vector starting with `mcxsim`.
  std::vector<std::string> Command(const PlannedRun& r, const std::string& mcxsim) const;

  /// Records every planned run whose folder holds a finished run (run_info.json and
  /// summary.json) and whose row is missing or older. A run made by another mcxsim version or
  /// commit throws VersionMismatch (nothing recorded) unless the campaign allows mixing.
  CollectCounts Collect();

  /// Start with a sweep file other than the one the campaign last ran: the database key under
  /// which the earlier text is kept ("sweep_before_<UTC time>"). The finished runs stay (a run's
  /// id is its parameters, seed and run number); the campaign is now the new file's points.
  const std::optional<std::string>& ReplacedSweep() const { return replaced_key_; }

  /// The row for a run that just ended with `exit_code` (-N: killed by signal N): from its folder
  /// when it finished, else failed with the end of its log.
  RunRecord Record(const PlannedRun& r, int exit_code) const;

  /// The planned runs still to do: no row, a failed or interrupted row, or a folder that is gone.
  std::vector<const PlannedRun*> Missing() const;

  /// Per point, each numeric metric's values over the point's completed runs.
  std::vector<std::map<std::string, std::vector<double>>> CompletedValues() const;

  /// The folders of the point's completed runs.
  std::vector<std::string> CompletedRunDirs(size_t point) const;

  /// runs.csv (one row per recorded run of the plan: run id, point, parameters, seed, run, status,
  /// wall and simulated time, version, commit, every metric) and aggregated.csv (per point and
  /// numeric metric over its completed runs: n, mean, sd, 95 % CI of the mean) into `out_dir`.
  void Export(const std::string& out_dir) const;

 private:
  Campaign(std::string dir, std::string sweep_text, SweepSpec spec, bool allow_version_mix);
  /// A row with the run's identity (id, point, run, seed, parameters) and nothing else.
  RunRecord Skeleton(const PlannedRun& r) const;
  std::optional<RunRecord> FromFolder(const PlannedRun& r) const;
  void CheckVersion(const std::string& version, const std::string& commit, const std::string& what) const;

  std::string dir_;
  std::string sweep_text_;
  SweepSpec spec_;
  bool allow_version_mix_;
  std::vector<SweepPoint> points_;
  std::vector<PlannedRun> plan_;
  std::unique_ptr<CampaignDb> db_;
  int lock_fd_ = -1;  ///< flock'ed by Start for the sweep's lifetime
  std::optional<std::string> replaced_key_;
};

}  // namespace mcx::sim::sweep
