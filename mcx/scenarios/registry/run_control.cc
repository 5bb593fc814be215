#include "mcx/scenarios/registry/run_control.h"

#include <algorithm>
#include <chrono>

#include <ns3/simulator.h>

namespace mcx::scenarios {

namespace {

RunControl g_control;
bool g_interrupted = false;
double g_reached_s = 0;

struct Checker {
  ns3::Time step;
  double end_s;
  std::chrono::steady_clock::time_point last_report;

  void Check() {
    if (g_control.stop && *g_control.stop) {
      g_interrupted = true;
      ns3::Simulator::Stop();
      return;
    }
    if (g_control.progress) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report >= std::chrono::milliseconds(100)) {
        last_report = now;
        g_control.progress(ns3::Simulator::Now().GetSeconds(), end_s);
      }
    }
    ns3::Simulator::Schedule(step, &Checker::Check, this);
  }
};

}  // namespace

void SetRunControl(RunControl control) { g_control = std::move(control); }

void RunSimulationUntil(ns3::Time end) {
  g_interrupted = false;
  ns3::Simulator::Stop(end);
  Checker checker{std::max(ns3::MilliSeconds(1), (end - ns3::Simulator::Now()) / 2000), end.GetSeconds(),
                  std::chrono::steady_clock::now()};
  const bool watched = g_control.progress || g_control.stop;
  if (watched) ns3::Simulator::ScheduleNow(&Checker::Check, &checker);
  ns3::Simulator::Run();
  g_reached_s = ns3::Simulator::Now().GetSeconds();
  if (watched && g_control.progress && !g_interrupted) g_control.progress(g_reached_s, end.GetSeconds());
}

bool LastRunInterrupted() { return g_interrupted; }
double LastRunReachedS() { return g_reached_s; }

}  // namespace mcx::scenarios
