// Runs a campaign's missing runs on this machine: up to `jobs` `mcxsim run` processes at once,
// each writing its folder and its log, each recorded in the database as it ends; one progress
// line (done/running/failed, ETA) on a terminal. SIGINT or SIGTERM stops starting runs, passes
// SIGTERM to the running ones and records them as interrupted: the same command resumes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "mcx/sim/sweep/campaign.h"

namespace mcx::sim::sweep {

struct LocalRunOptions {
  unsigned jobs = 1;
  std::string mcxsim;  ///< the mcxsim binary the runs use
  bool quiet = false;  ///< no progress output
};

struct LocalRunResult {
  size_t completed = 0;  ///< completed or nothing_happened
  size_t failed = 0;
  bool interrupted = false;
};

LocalRunResult RunLocally(Campaign& campaign, const std::vector<const PlannedRun*>& to_run, const LocalRunOptions& opts);

}  // namespace mcx::sim::sweep
