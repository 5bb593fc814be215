// The run's random numbers, declared the same way for every scenario (ns-3's convention): --seed
// and --run go to RngSeedManager. Replications of an experiment keep the seed and vary the run.
#pragma once

#include <cstdint>

#include "mcx/scenarios/registry/params.h"

namespace mcx::scenarios {

struct RunSeeds {
  uint32_t seed = 1;  ///< RngSeedManager::SetSeed (ns-3 accepts 1 and up)
  uint64_t run = 1;   ///< RngSeedManager::SetRun: the substream, one per replication
};

/// --seed and --run; every scenario's parameters end with these (ScenarioOf adds them).
inline ParamList<RunSeeds> RunSeedParamList() {
  ParamList<RunSeeds> l;
  l.Section("random numbers (ns-3 RngSeedManager)")
      .Count("seed", &RunSeeds::seed, 1, 4294967295.0, "", "RngSeedManager seed (ns-3's RngSeed)")
      .Count("run", &RunSeeds::run, 0, 9007199254740992.0, "",
             "RngSeedManager run (ns-3's RngRun): an independent replication with the same seed");
  return l;
}

}  // namespace mcx::scenarios
