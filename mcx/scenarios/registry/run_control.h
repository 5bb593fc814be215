// How a scenario's simulation runs to its end under the command line's eye: progress (simulated
// time reached, for a progress line) and a stop request (SIGINT/SIGTERM) that ends the
// simulation early at a clean point, so the scenario still computes its metrics from what
// happened and the run is written as interrupted. Every scenario runs its simulation through
// RunSimulationUntil; without a RunControl it is exactly Simulator::Stop(end) + Run().
#pragma once

#include <csignal>
#include <functional>
#include <string>

#include <ns3/nstime.h>

#include "mcx/scenarios/registry/flows.h"

namespace mcx::scenarios {

struct RunControl {
  /// Called about every 100 ms of wall time with the simulated time reached and the end.
  std::function<void(double now_s, double end_s)> progress;
  /// Set (from a signal handler) to end the simulation at the next check.
  const volatile std::sig_atomic_t* stop = nullptr;
  /// When not empty: pcap files of every point-to-point link (p2p-<node>-<device>.pcap: the
  /// core, the servers' links, the ideal access links, LTE's S1-U/S5/SGi) and every sidelink
  /// device (sidelink-<node>-<device>.pcap, raw IP) into this directory, and nodes.txt naming
  /// each node's devices and addresses.
  std::string pcap_dir;
  /// When set: connected to every application once the scenario built them (--flows).
  FlowRecorder* flows = nullptr;
};

/// Installs (or, with an empty RunControl, removes) the control of the runs that follow.
void SetRunControl(RunControl control);

/// Runs the simulation until `end`, or until a stop request: checks every 1/2000 of the
/// simulated span (at least every millisecond of simulated time).
void RunSimulationUntil(ns3::Time end);

/// Whether the last RunSimulationUntil ended on a stop request, and the simulated time reached.
bool LastRunInterrupted();
double LastRunReachedS();

}  // namespace mcx::scenarios
