// A campaign's missing runs for other engines: one command line per run for GNU parallel, or an
// sbatch job-array script for Slurm (array tasks over the runs, optional throttle, several short
// runs chunked into one task). Each emit writes new, time-stamped files, so a job array or a
// parallel job log already running keeps reading its own list; the runs write into the campaign
// directory and `mcxsim sweep collect` records them.
#pragma once

#include <string>
#include <vector>

#include "mcx/sim/sweep/campaign.h"

namespace mcx::sim::sweep {

struct EmitOptions {
  std::string mcxsim;                       ///< the binary every host runs (an absolute path)
  unsigned chunk = 1;                       ///< Slurm: runs per array task
  unsigned throttle = 0;                    ///< Slurm: at most this many tasks at once (0: no limit)
  std::vector<std::string> sbatch_options;  ///< Slurm: extra "#SBATCH" options ("--partition=short")
};

struct Emitted {
  std::string file;     ///< the command list or the sbatch script
  std::string how;      ///< what to type next
  size_t runs = 0;
};

Emitted EmitParallel(const Campaign& c, const std::vector<const PlannedRun*>& to_run, const EmitOptions& o);
Emitted EmitSlurm(const Campaign& c, const std::vector<const PlannedRun*>& to_run, const EmitOptions& o);

}  // namespace mcx::sim::sweep
