// The clock and timers the off-network procedures run on (MONP call control, private calls,
// floor control): ns-3's simulator in the applications, a fake clock in unit tests.
#pragma once

#include <cstdint>
#include <functional>

namespace mcx::procedures {

struct Timers {
  std::function<double()> now;  ///< seconds
  /// Runs fn after delay_s; returns an id for cancel.
  std::function<uint64_t(double delay_s, std::function<void()> fn)> schedule;
  std::function<void(uint64_t)> cancel;
};

}  // namespace mcx::procedures
