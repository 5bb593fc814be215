// A run's random numbers, the same way in every scenario: --seed and --run set ns-3's
// RngSeedManager, and every random variable of the run (radio, mobility, internet stack, each
// node's application and crypto DRBG, the scenario's own draws) gets a fixed stream number, handed
// out in the order the world is built. A draw then depends on the seed, the run and the
// parameters only, never on what ran before in the same process (ns-3 gives a variable without a
// stream the next automatic one).
#pragma once

#include <ns3/random-variable-stream.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "mcx/crypto/rng.h"
#include "mcx/scenarios/registry/run_seeds.h"

namespace mcx::scenarios {

class RunStreams {
 public:
  /// Sets RngSeedManager's seed and run; stream numbers start at 0.
  explicit RunStreams(const RunSeeds& seeds);
  /// The first free stream number: give it to an AssignStreams call, then its result to Used().
  int64_t next() const { return next_; }
  void Used(int64_t count) { next_ += count; }
  /// A U(0, 1) variable on the next free stream.
  ns3::Ptr<ns3::UniformRandomVariable> NewUniform();
  /// A crypto DRBG seeded from the next free stream (keys a scenario makes outside any node, such
  /// as a preconfigured domain).
  std::unique_ptr<crypto::HmacDrbg> NewDrbg(std::string_view personalization);
  /// Fixes the streams of every node's internet stack (ARP and ICMP jitter, IPv6); call once
  /// every node is built.
  void AssignInternetStacks();

 private:
  int64_t next_ = 0;
};

}  // namespace mcx::scenarios
