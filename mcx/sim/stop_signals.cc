#include "mcx/sim/stop_signals.h"

namespace mcx::sim {

namespace {
volatile std::sig_atomic_t g_stop = 0;
// The first request asks for a clean end; a second one (the user insisting) ends the process.
extern "C" void OnStop(int sig) {
  if (g_stop) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  g_stop = 1;
}
}  // namespace

StopSignals::StopSignals() {
  g_stop = 0;
  struct sigaction sa {};
  sa.sa_handler = OnStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

const volatile std::sig_atomic_t* StopSignals::Flag() { return &g_stop; }

}  // namespace mcx::sim
