// SIGINT and SIGTERM as a request to stop, for as long as a StopSignals lives: the handler only
// sets a flag (installed without SA_RESTART, so a blocking wait returns), and the previous
// handlers come back at the end. `mcxsim run` ends its simulation cleanly on it; `mcxsim sweep`
// stops starting runs and passes it on.
#pragma once

#include <csignal>

namespace mcx::sim {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  bool Requested() const { return *Flag() != 0; }
  /// The flag the handler sets (for RunControl).
  static const volatile std::sig_atomic_t* Flag();

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

}  // namespace mcx::sim
