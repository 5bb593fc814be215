// Processing time of the real crypto in simulated time: the reference host's milliseconds per
// priced operation (crypto/op_count.h) times a device factor, queued on the node's worker cores
// (so a GMS rekeying many members shows its serialisation), and the job discipline every host
// follows.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "mcx/crypto/op_count.h"

namespace mcx::procedures {

/// Milliseconds per operation on the project's reference host (a 2-core x86-64 without AVX-512
/// IFMA, i.e. the MULX path; measured with tests/bench, docs/crypto-performance.md) times a
/// device factor (1 = that host; a handset is slower). Fixed numbers, not measured at run time,
/// so that a run's results do not depend on the machine it runs on.
struct CostModel {
  std::array<double, crypto::kOpCount> host_ms{
      1.46,   // SAKKE encapsulate
      3.19,   // SAKKE decapsulate (RSK line table)
      9.60,   // RSK validation incl. building the line table
      0.027,  // ECCSI sign
      0.089,  // ECCSI verify
      0.044,  // ECCSI SSK validation
      1.28,   // KMS key set issuance
      0.002,  // symmetric: a key derivation or an AES-GCM payload
  };
  double device_factor = 1.0;
  double Seconds(const crypto::OpCounts& ops) const;
};

/// Worker cores of a node: a job starts when a core is free and takes `seconds`.
class WorkerPool {
 public:
  explicit WorkerPool(uint32_t cores = 1) : free_at_(cores ? cores : 1, 0.0) {}
  /// Returns the completion time of a job arriving at `now`.
  double Assign(double now, double seconds);
  double BusyUntil() const;

 private:
  std::vector<double> free_at_;
};

/// The job discipline of a host (host.h), shared by the ns-3 host and the tests' fake host: a job
/// counts the crypto it computes, is priced by the cost model and queued on the worker cores;
/// what it defers (sends, timers) is released when it completes, in the order it was deferred.
class JobQueue {
 public:
  using Clock = std::function<double()>;
  /// Runs fn at the absolute simulated time `at_s` (later than now).
  using At = std::function<void(double at_s, std::function<void()> fn)>;

  JobQueue(CostModel cost, uint32_t cores, Clock now, At at);
  ~JobQueue();

  /// Runs fn as one job; inside a job, fn is part of it.
  void Dispatch(const std::function<void()>& fn);
  /// Inside a job: runs action when the job's processing is done; outside one: now.
  void Defer(std::function<void()> action);
  /// Completes the current job here; what follows in the same Dispatch is a new job.
  void EndJob();
  bool in_job() const { return counter_ != nullptr; }

  /// Each completed job with processing: its simulated seconds and the operations it computed.
  std::function<void(double seconds, const crypto::OpCounts& ops)> on_job;
  const CostModel& cost() const { return cost_; }

 private:
  void Complete();

  CostModel cost_;
  WorkerPool pool_;
  Clock now_;
  At at_;
  std::unique_ptr<crypto::OpCounter> counter_;  ///< set while a job runs
  std::vector<std::function<void()>> deferred_;
};

}  // namespace mcx::procedures
