// One restartable protocol timer on the host (T101, T1, Timer B...): Start replaces a running one, Stop and the
// destructor cancel it, so an object that owns its timers never gets a callback after it is gone.
#pragma once

#include <functional>
#include <utility>

#include "mcx/procedures/host.h"

namespace mcx::procedures {

class HostTimer {
 public:
  explicit HostTimer(Host& host) : host_(host) {}
  HostTimer(const HostTimer&) = delete;
  HostTimer& operator=(const HostTimer&) = delete;
  ~HostTimer() { Stop(); }

  void Start(double delay_s, std::function<void()> fn) {
    Stop();
    id_ = host_.Schedule(delay_s, [this, fn = std::move(fn)]() {
      id_ = 0;
      fn();
    });
  }
  void Stop() {
    if (id_ != 0) host_.Cancel(id_);
    id_ = 0;
  }
  bool running() const { return id_ != 0; }

 private:
  Host& host_;
  TimerId id_ = 0;
};

}  // namespace mcx::procedures
