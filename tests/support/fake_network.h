// The procedures' fake host for tests without ns-3: an in-memory network of FakeHosts sharing one
// event queue. Each host follows the real job discipline (procedures::JobQueue: the crypto a job
// computes is counted and priced, and what it sends or schedules waits for it); a message takes
// `latency` seconds; tests can drop SIP datagrams, route UDP datagrams themselves and fix the
// random draws.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <string>

#include "mcx/procedures/cost_model.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/sip_stack.h"
#include "mcx/security/naming_plan.h"

namespace mcx::testing {

using procedures::Endpoint;

class FakeNetwork;

class FakeHost : public procedures::Host {
 public:
  FakeHost(FakeNetwork& net, std::string ip, uint64_t seed, procedures::CostModel cost = {}, uint32_t cores = 1);
  // The SIP stack cancels its timers when it goes: before the timer table it cancels them in.
  ~FakeHost() override { sip_.reset(); }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  // procedures::Host
  double Now() const override;
  uint64_t UnixTime() const override;
  procedures::TimerId Schedule(double delay_s, std::function<void()> fn) override;
  void Cancel(procedures::TimerId timer) override;
  crypto::Rng& Rng() override { return rng_; }
  double Uniform() override { return uniform ? uniform() : std::uniform_real_distribution<double>(0, 1)(mt_); }
  void EndJob() override { jobs_.EndJob(); }
  void SendSip(const Endpoint& to, crypto::Bytes message, bool tcp) override;
  void SendHttp(const Endpoint& server, procedures::HttpRequest request,
                std::function<void(crypto::Result<procedures::HttpResponse>)> done) override;
  void SendDatagram(uint16_t local_port, const Endpoint& to, crypto::Bytes datagram) override;
  Endpoint SipSelf() const override { return Endpoint{ip_, 5060}; }

  /// Runs `fn` as one job (an incoming event): what it sends leaves after its processing time.
  void Dispatch(const std::function<void()>& fn) { jobs_.Dispatch(fn); }
  /// Datagrams arriving on `port` (sender, bytes), each handled as one job.
  void OpenDatagram(uint16_t port, std::function<void(const Endpoint&, crypto::ByteView)> handler) {
    datagram_handlers_[port] = std::move(handler);
  }
  void DeliverDatagram(uint16_t port, const Endpoint& from, const crypto::Bytes& data);

  const std::string& ip() const { return ip_; }
  /// Timers scheduled and neither fired nor cancelled.
  size_t live_timers() const {
    return static_cast<size_t>(std::count_if(live_timers_.begin(), live_timers_.end(), [](const auto& t) { return t.second; }));
  }
  procedures::SipStack& sip() { return *sip_; }
  /// A new SIP stack with these timers, over "TCP" (nothing resent; the network still delivers
  /// or drops as told) or UDP. Call before anything is sent.
  void UseSipStack(procedures::SipTimers timers, bool tcp);
  std::function<procedures::HttpResponse(const procedures::HttpRequest&)> http_handler;
  std::function<void(const Endpoint&, const procedures::SipMessage&)> sip_handler;
  /// U(0, 1) draws for the procedures (default: a generator seeded from the host's seed).
  std::function<double()> uniform;
  uint64_t bytes_sent = 0;
  double crypto_seconds = 0;
  crypto::OpCounts ops;  ///< every operation its jobs computed

 private:
  FakeNetwork& net_;
  std::string ip_;
  crypto::HmacDrbg rng_;
  std::mt19937_64 mt_;
  procedures::JobQueue jobs_;
  std::unique_ptr<procedures::SipStack> sip_;
  std::map<uint16_t, std::function<void(const Endpoint&, crypto::ByteView)>> datagram_handlers_;
  std::map<procedures::TimerId, bool> live_timers_;  ///< false once cancelled
  procedures::TimerId next_timer_ = 0;
};

class FakeNetwork {
 public:
  double latency = 0.010;
  uint64_t start_unix = mcx::security::naming::kEpochUnix;
  /// Returns true to drop a SIP datagram (from, to, message text).
  std::function<bool(const Endpoint&, const Endpoint&, const std::string&)> drop;
  /// Where a UDP datagram goes; by default to the host `to.host` after `latency`. Tests replace it
  /// to model a broadcast medium, loss, or a longer delay.
  std::function<void(FakeHost& from, uint16_t from_port, const Endpoint& to, const crypto::Bytes&)> route_datagram;

  FakeHost& Add(const std::string& ip, uint64_t seed, procedures::CostModel cost = {}, uint32_t cores = 1) {
    hosts_[ip] = std::make_unique<FakeHost>(*this, ip, seed, cost, cores);
    return *hosts_[ip];
  }
  FakeHost* Find(const std::string& ip) {
    auto it = hosts_.find(ip);
    return it == hosts_.end() ? nullptr : it->second.get();
  }
  double now() const { return now_; }
  /// Runs fn at absolute time t (events at one time run in the order they were added).
  uint64_t At(double t, std::function<void()> fn) {
    const uint64_t id = ++next_id_;
    queue_.push(Event{t, id, std::move(fn)});
    return id;
  }
  uint64_t After(double d, std::function<void()> fn) { return At(now_ + d, std::move(fn)); }
  void Cancel(uint64_t id) { cancelled_[id] = true; }
  void RunUntil(double t) {
    while (!queue_.empty() && queue_.top().time <= t) {
      Event e = queue_.top();
      queue_.pop();
      if (cancelled_.count(e.id)) continue;
      now_ = e.time;
      e.fn();
    }
    now_ = t;
  }

 private:
  struct Event {
    double time;
    uint64_t id;
    std::function<void()> fn;
    bool operator<(const Event& o) const { return time > o.time || (time == o.time && id > o.id); }
  };
  std::priority_queue<Event> queue_;
  std::map<uint64_t, bool> cancelled_;
  std::map<std::string, std::unique_ptr<FakeHost>> hosts_;
  double now_ = 0;
  uint64_t next_id_ = 0;
};

inline FakeHost::FakeHost(FakeNetwork& net, std::string ip, uint64_t seed, procedures::CostModel cost, uint32_t cores)
    : net_(net),
      ip_(std::move(ip)),
      rng_(seed, ip_),
      mt_(seed),
      jobs_(cost, cores, [this] { return net_.now(); },
            [this](double at, std::function<void()> fn) { net_.At(at, std::move(fn)); }) {
  jobs_.on_job = [this](double seconds, const crypto::OpCounts& o) {
    crypto_seconds += seconds;
    ops += o;
  };
  UseSipStack(procedures::SipTimers{}, false);
}
inline void FakeHost::UseSipStack(procedures::SipTimers timers, bool tcp) {
  sip_ = std::make_unique<procedures::SipStack>(*this, timers, tcp);
  sip_->SetRequestHandler([this](const Endpoint& from, const procedures::SipMessage& m) {
    if (sip_handler) sip_handler(from, m);
  });
}
inline double FakeHost::Now() const { return net_.now(); }
inline uint64_t FakeHost::UnixTime() const { return net_.start_unix + static_cast<uint64_t>(net_.now()); }
inline procedures::TimerId FakeHost::Schedule(double d, std::function<void()> fn) {
  const procedures::TimerId id = ++next_timer_;
  live_timers_[id] = true;
  jobs_.Defer([this, id, d, fn] {  // armed when the job's processing is done
    net_.After(d, [this, id, fn] {
      if (!live_timers_[id]) return;
      live_timers_.erase(id);
      Dispatch(fn);
    });
  });
  return id;
}
inline void FakeHost::Cancel(procedures::TimerId t) {
  auto it = live_timers_.find(t);
  if (it != live_timers_.end()) it->second = false;
}
inline void FakeHost::SendSip(const Endpoint& to, crypto::Bytes message, bool) {
  jobs_.Defer([this, to, message] {
    bytes_sent += message.size();
    const Endpoint from = SipSelf();
    if (net_.drop && net_.drop(from, to, std::string(message.begin(), message.end()))) return;
    net_.After(net_.latency, [this, to, from, message] {
      if (FakeHost* n = net_.Find(to.host)) n->Dispatch([&] { n->sip().OnBytes(from, message); });
    });
  });
}
inline void FakeHost::SendHttp(const Endpoint& server, procedures::HttpRequest request,
                               std::function<void(crypto::Result<procedures::HttpResponse>)> done) {
  jobs_.Defer([this, server, request, done] {
    const crypto::Bytes wire = request.Serialize();
    bytes_sent += wire.size();
    net_.After(net_.latency, [this, server, wire, done] {
      FakeHost* n = net_.Find(server.host);
      if (!n || !n->http_handler) {
        Dispatch([&] { done(crypto::Error::kKmsError); });
        return;
      }
      n->Dispatch([&] {
        const procedures::HttpResponse resp = n->http_handler(*procedures::ParseHttpRequest(wire));
        const crypto::Bytes back = resp.Serialize();
        n->jobs_.Defer([this, n, back, done] {  // the answer leaves when the server's job is done
          n->bytes_sent += back.size();
          net_.After(net_.latency, [this, back, done] { Dispatch([&] { done(procedures::ParseHttpResponse(back)); }); });
        });
      });
    });
  });
}
inline void FakeHost::SendDatagram(uint16_t local_port, const Endpoint& to, crypto::Bytes datagram) {
  jobs_.Defer([this, local_port, to, datagram] {
    bytes_sent += datagram.size();
    if (net_.route_datagram) return net_.route_datagram(*this, local_port, to, datagram);
    const Endpoint from{ip_, local_port};
    net_.After(net_.latency, [this, to, from, datagram] {
      if (FakeHost* n = net_.Find(to.host)) n->DeliverDatagram(to.port, from, datagram);
    });
  });
}
inline void FakeHost::DeliverDatagram(uint16_t port, const Endpoint& from, const crypto::Bytes& data) {
  auto it = datagram_handlers_.find(port);
  if (it == datagram_handlers_.end()) return;
  const auto handler = it->second;
  Dispatch([&] { handler(from, data); });
}

}  // namespace mcx::testing
