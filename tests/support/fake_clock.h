// A simulated clock for procedure tests without ns-3: timers ordered by time, then by creation.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "mcx/procedures/timers.h"

namespace mcx::testing {

class FakeClock {
 public:
  double now = 0;
  uint64_t Schedule(double d, std::function<void()> fn) {
    events_.emplace(std::make_pair(now + d, ++next_), std::move(fn));
    return next_;
  }
  void Cancel(uint64_t id) {
    for (auto it = events_.begin(); it != events_.end(); ++it)
      if (it->first.second == id) {
        events_.erase(it);
        return;
      }
  }
  /// This clock as the procedures' timers.
  procedures::Timers AsTimers() {
    return {[this] { return now; }, [this](double d, std::function<void()> fn) { return Schedule(d, std::move(fn)); },
            [this](uint64_t id) { Cancel(id); }};
  }
  void RunUntil(double t) {
    while (!events_.empty() && events_.begin()->first.first <= t) {
      auto it = events_.begin();
      now = it->first.first;
      auto fn = std::move(it->second);
      events_.erase(it);
      fn();
    }
    now = t;
  }

 private:
  std::map<std::pair<double, uint64_t>, std::function<void()>> events_;
  uint64_t next_ = 0;
};

}  // namespace mcx::testing
