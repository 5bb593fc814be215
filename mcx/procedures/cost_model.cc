#include "mcx/procedures/cost_model.h"

#include <algorithm>

namespace mcx::procedures {

double CostModel::Seconds(const crypto::OpCounts& ops) const {
  double ms = 0;
  for (size_t i = 0; i < crypto::kOpCount; ++i) ms += ops.n[i] * host_ms[i];
  return ms * device_factor / 1e3;
}

double WorkerPool::Assign(double now, double seconds) {
  auto core = std::min_element(free_at_.begin(), free_at_.end());
  const double start = std::max(now, *core);
  *core = start + seconds;
  return *core;
}

double WorkerPool::BusyUntil() const { return *std::max_element(free_at_.begin(), free_at_.end()); }

JobQueue::JobQueue(CostModel cost, uint32_t cores, Clock now, At at)
    : cost_(cost), pool_(cores), now_(std::move(now)), at_(std::move(at)) {}

JobQueue::~JobQueue() = default;

void JobQueue::Dispatch(const std::function<void()>& fn) {
  if (in_job()) return fn();
  counter_ = std::make_unique<crypto::OpCounter>();
  fn();
  Complete();
  counter_.reset();
}

void JobQueue::Defer(std::function<void()> action) {
  if (in_job())
    deferred_.push_back(std::move(action));
  else
    action();
}

void JobQueue::EndJob() {
  if (in_job()) Complete();
}

void JobQueue::Complete() {
  const crypto::OpCounts ops = counter_->Take();
  const double seconds = cost_.Seconds(ops);
  if (deferred_.empty() && seconds == 0) return;
  const double now = now_();
  const double done = seconds > 0 ? pool_.Assign(now, seconds) : now;
  if (seconds > 0 && on_job) on_job(seconds, ops);
  auto actions = std::move(deferred_);
  deferred_.clear();
  if (done <= now) {
    for (auto& a : actions) a();
  } else {
    at_(done, [actions] {
      for (auto& a : actions) a();
    });
  }
}

}  // namespace mcx::procedures
