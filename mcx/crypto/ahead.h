// Pure operations computed ahead on worker threads, so that a simulation of many nodes uses every
// core while its results stay those of one thread.
//
// An operation is pure when its result depends on its inputs only (a SAKKE encapsulation: Z, the
// identifier and the SSV; a decapsulation: the receiver's key and the SED; a receiver key: Z, the
// identifier and the RSK). Whoever can foresee one (a GMS about to key every member, a KMS that
// has just issued an RSK, a sender whose SED some receiver in this process will open) submits it
// under a Key naming the operation and its inputs; a worker computes it. When the operation is
// then asked for with the same inputs, its result is taken instead of computing it again: at once
// if a worker finished it, after waiting if a worker is on it, and computed by the asker if no
// worker has started it. Nothing else changes: randomness is never drawn ahead (these operations
// draw none), the asker counts the operation as if it computed it (op_count.h), and an operation
// nobody foresaw, or asked with other inputs (an altered SED), is computed when asked. So every
// result, and every simulated time the cost model derives, is the same for any number of
// workers; only the wall clock changes. docs/scale.md has the measurements.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>

#include "mcx/crypto/bytes.h"

namespace mcx::crypto::ahead {

/// Starts `workers` threads computing ahead, after discarding what was pending; 0 (the default)
/// stops them: nothing is computed ahead. `budget_bytes` bounds the results computed ahead and
/// not yet asked for (a receiver key with its line table is ~350 kB): a submission beyond it is
/// dropped, and the operation is computed when asked.
void SetWorkers(unsigned workers, size_t budget_bytes = size_t{768} << 20);
unsigned Workers();
/// Whether anything is computed ahead (Workers() > 0): callers skip preparing submissions if not.
bool Enabled();

struct Stats {
  uint64_t submitted = 0;  ///< operations queued ahead
  uint64_t ready = 0;      ///< asked for and found computed by a worker
  uint64_t waited = 0;     ///< asked for while a worker computed it: the asker waited
  uint64_t stolen = 0;     ///< asked for before any worker started it: the asker computed it
  uint64_t dropped = 0;    ///< not queued: over the budget, or already queued
  uint64_t pending = 0;     ///< submitted and not (yet) asked for: at a run's end, unused
  double wait_s = 0;       ///< the askers' total wall time waiting for workers
};
Stats GetStats();
/// Discards every operation not asked for (the end of a simulation run) and zeroes the stats.
void Discard();

/// The identity of an operation and its inputs: SHA-256 over a tag and the length-prefixed parts.
class Key {
 public:
  Key(std::string_view tag, std::initializer_list<ByteView> parts);
  bool operator<(const Key& o) const { return digest_ < o.digest_; }
  bool operator==(const Key& o) const { return digest_ == o.digest_; }

 private:
  std::array<uint8_t, 32> digest_{};
};

namespace detail {
struct Task {
  virtual ~Task() = default;
  virtual void Run() = 0;  ///< computes the result (on a worker or the asker)
  size_t weight = 0;
  int state = 0;  ///< 0 queued, 1 running, 2 done (under the pool's lock)
};
/// Queues the task under key unless the key is pending or the budget is spent.
void Submit(const Key& key, std::shared_ptr<Task> task);
/// The task submitted under key, removed from the table and computed (by a worker or here); null
/// if none is pending.
std::shared_ptr<Task> Take(const Key& key);

template <class R>
struct TypedTask final : Task {
  explicit TypedTask(std::function<R()> f) : fn(std::move(f)) {}
  void Run() override {
    result.emplace(fn());
    fn = nullptr;  // drop what the computation held (keys, inputs)
  }
  std::function<R()> fn;
  std::optional<R> result;
};
}  // namespace detail

/// Submits fn, a pure operation, under key (see above). A no-op without workers.
template <class R>
void Submit(const Key& key, size_t weight_bytes, std::function<R()> fn) {
  if (!Enabled()) return;
  auto t = std::make_shared<detail::TypedTask<R>>(std::move(fn));
  t->weight = weight_bytes;
  detail::Submit(key, std::move(t));
}

/// The result of the operation submitted under key, if one was; nullopt: compute it yourself.
template <class R>
std::optional<R> Take(const Key& key) {
  if (!Enabled()) return std::nullopt;
  auto t = detail::Take(key);
  if (!t) return std::nullopt;
  auto* typed = dynamic_cast<detail::TypedTask<R>*>(t.get());
  if (!typed || !typed->result) return std::nullopt;
  return std::move(*typed->result);
}

}  // namespace mcx::crypto::ahead
