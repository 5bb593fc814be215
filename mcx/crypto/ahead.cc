#include "mcx/crypto/ahead.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "mcx/crypto/hash.h"
#include "mcx/crypto/op_count.h"

namespace mcx::crypto::ahead {

namespace {

using detail::Task;

enum State : int { kQueued = 0, kRunning = 1, kDone = 2 };

/// Runs a task so that the operations it counts reach nobody's counter: the asker counts the
/// operation it asked for itself, whoever computed it.
void RunUncounted(Task& t) {
  OpCounter swallow;
  t.Run();
}

class Pool {
 public:
  void Start(unsigned workers, size_t budget) {
    Stop();
    std::lock_guard<std::mutex> lock(mu_);
    budget_ = budget;
    stop_ = false;
    for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
    workers_.store(workers, std::memory_order_release);
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      workers_.store(0, std::memory_order_release);
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
    std::lock_guard<std::mutex> lock(mu_);
    DiscardLocked();
    stats_ = Stats{};
  }

  unsigned workers() const { return workers_.load(std::memory_order_acquire); }

  void Submit(const Key& key, std::shared_ptr<Task> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_ || pending_.count(key) || used_ + task->weight > budget_) {
        ++stats_.dropped;
        return;
      }
      used_ += task->weight;
      pending_.emplace(key, task);
      queue_.push_back(std::move(task));
      ++stats_.submitted;
    }
    work_cv_.notify_one();
  }

  std::shared_ptr<Task> Take(const Key& key) {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = pending_.find(key);
    if (it == pending_.end()) return nullptr;
    std::shared_ptr<Task> t = std::move(it->second);
    pending_.erase(it);
    used_ -= t->weight;
    if (t->state == kQueued) {  // nobody started it: compute it here (a worker skips it now)
      t->state = kRunning;
      ++stats_.stolen;
      lock.unlock();
      RunUncounted(*t);
      return t;
    }
    if (t->state == kRunning) {
      ++stats_.waited;
      const auto t0 = std::chrono::steady_clock::now();
      done_cv_.wait(lock, [&] { return t->state == kDone; });
      stats_.wait_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return t;
    }
    ++stats_.ready;
    return t;
  }

  Stats stats() {
    std::lock_guard<std::mutex> lock(mu_);
    Stats s = stats_;
    s.pending = pending_.size();
    return s;
  }

  void Discard() {
    std::lock_guard<std::mutex> lock(mu_);
    DiscardLocked();
    stats_ = Stats{};
  }

 private:
  void DiscardLocked() {
    pending_.clear();
    queue_.clear();  // a task a worker is computing finishes into nothing
    used_ = 0;
  }

  // Newest first: the asker takes the oldest submissions (the ones it reaches first) itself when
  // no worker has started them, so asker and workers work from both ends of the queue.
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      std::shared_ptr<Task> t = std::move(queue_.back());
      queue_.pop_back();
      if (t->state != kQueued) continue;  // an asker took it
      t->state = kRunning;
      lock.unlock();
      RunUncounted(*t);
      lock.lock();
      t->state = kDone;
      done_cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::vector<std::thread> threads_;
  std::atomic<unsigned> workers_{0};
  bool stop_ = true;
  std::map<Key, std::shared_ptr<Task>> pending_;
  std::deque<std::shared_ptr<Task>> queue_;
  size_t budget_ = 0, used_ = 0;
  Stats stats_;
};

// Never destroyed: a worker must not outlive the tables it reads, so the owner stops the pool
// (SetWorkers(0)) before leaving main, and a pool left running is not torn down under it.
Pool& P() {
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

void SetWorkers(unsigned workers, size_t budget_bytes) {
  if (workers == 0) return P().Stop();
  P().Start(workers, budget_bytes);
}

unsigned Workers() { return P().workers(); }
bool Enabled() { return Workers() > 0; }
Stats GetStats() { return P().stats(); }
void Discard() { P().Discard(); }

Key::Key(std::string_view tag, std::initializer_list<ByteView> parts) {
  Sha256Hasher h;
  h.Update(ByteView(tag));
  for (ByteView p : parts) {
    const uint8_t len[4] = {static_cast<uint8_t>(p.size() >> 24), static_cast<uint8_t>(p.size() >> 16),
                            static_cast<uint8_t>(p.size() >> 8), static_cast<uint8_t>(p.size())};
    h.Update(ByteView(len, 4));
    h.Update(p);
  }
  const Bytes d = h.Final();
  std::copy(d.begin(), d.end(), digest_.begin());
}

namespace detail {
void Submit(const Key& key, std::shared_ptr<Task> task) { P().Submit(key, std::move(task)); }
std::shared_ptr<Task> Take(const Key& key) { return P().Take(key); }
}  // namespace detail

}  // namespace mcx::crypto::ahead
