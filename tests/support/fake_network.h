// An in-memory network with a fake clock for testing the MCX procedures without ns-3: each node
// has an Env whose timers and sends go through one event queue; a message takes `latency`
// seconds plus the sending job's processing time; `drop` can lose chosen SIP datagrams.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <queue>

#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/sip_stack.h"

namespace mcx::test {

using procedures::Endpoint;

class FakeNetwork;

class FakeNode : public procedures::Env {
 public:
  FakeNode(FakeNetwork& net, std::string ip, uint64_t seed);
  double Now() const override;
  uint64_t UnixTime() const override;
  uint64_t Schedule(double delay_s, std::function<void()> fn) override;
  void Cancel(uint64_t timer) override;
  void SendSip(const procedures::Endpoint& to, procedures::Bytes message, bool tcp) override;
  void SendHttp(const procedures::Endpoint& server, procedures::HttpRequest request,
                std::function<void(crypto::Result<procedures::HttpResponse>)> done) override;
  void Work(const procedures::CryptoWork& w) override;
  void EndJob() override;
  crypto::Rng& Rng() override { return rng_; }
  procedures::Endpoint SipSelf() const override { return Endpoint{ip_, 5060}; }

  procedures::SipStack& sip() { return *sip_; }
  std::function<procedures::HttpResponse(const procedures::HttpRequest&)> http_handler;
  std::function<void(const procedures::Endpoint&, const procedures::SipMessage&)> sip_handler;
  /// Runs `fn` as one job (an incoming event): sends leave after its processing time.
  void Dispatch(const std::function<void()>& fn);
  procedures::CostModel cost;
  uint64_t bytes_sent = 0;

 private:
  double Departure();
  FakeNetwork& net_;
  std::string ip_;
  crypto::HmacDrbg rng_;
  std::unique_ptr<procedures::SipStack> sip_;
  double job_cost_ = 0;
  double busy_until_ = 0;
};

class FakeNetwork {
 public:
  double latency = 0.010;
  uint64_t start_unix = 1790000000;
  /// Returns true to drop a SIP datagram (from, to, message text).
  std::function<bool(const Endpoint&, const Endpoint&, const std::string&)> drop;

  FakeNode& Add(const std::string& ip, uint64_t seed) {
    nodes_[ip] = std::make_unique<FakeNode>(*this, ip, seed);
    return *nodes_[ip];
  }
  FakeNode* Find(const std::string& ip) {
    auto it = nodes_.find(ip);
    return it == nodes_.end() ? nullptr : it->second.get();
  }
  double now() const { return now_; }
  uint64_t At(double t, std::function<void()> fn) {
    const uint64_t id = ++next_id_;
    queue_.push(Event{t, id, std::move(fn)});
    return id;
  }
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
  std::map<std::string, std::unique_ptr<FakeNode>> nodes_;
  double now_ = 0;
  uint64_t next_id_ = 0;
};

inline FakeNode::FakeNode(FakeNetwork& net, std::string ip, uint64_t seed)
    : net_(net), ip_(std::move(ip)), rng_(seed, ip_),
      sip_(std::make_unique<procedures::SipStack>(*this, procedures::SipTimers{}, false)) {
  sip_->SetRequestHandler([this](const Endpoint& from, const procedures::SipMessage& m) {
    if (sip_handler) sip_handler(from, m);
  });
}
inline double FakeNode::Now() const { return net_.now(); }
inline uint64_t FakeNode::UnixTime() const { return net_.start_unix + static_cast<uint64_t>(net_.now()); }
inline uint64_t FakeNode::Schedule(double d, std::function<void()> fn) {
  return net_.At(net_.now() + d, [this, fn] { Dispatch(fn); });
}
inline void FakeNode::Cancel(uint64_t t) { net_.Cancel(t); }
inline double FakeNode::Departure() {
  if (job_cost_ > 0) {
    busy_until_ = std::max(busy_until_, net_.now()) + job_cost_;
    job_cost_ = 0;
  }
  return std::max(busy_until_, net_.now());
}
inline void FakeNode::Work(const procedures::CryptoWork& w) { job_cost_ += cost.Seconds(w); }
inline void FakeNode::EndJob() { Departure(); }
inline void FakeNode::Dispatch(const std::function<void()>& fn) {
  fn();
  Departure();
}
inline void FakeNode::SendSip(const Endpoint& to, procedures::Bytes message, bool) {
  bytes_sent += message.size();
  const Endpoint from = SipSelf();
  if (net_.drop && net_.drop(from, to, std::string(message.begin(), message.end()))) return;
  net_.At(Departure() + net_.latency, [this, to, from, message] {
    if (FakeNode* n = net_.Find(to.host)) n->Dispatch([&] { n->sip().OnBytes(from, message); });
  });
}
inline void FakeNode::SendHttp(const Endpoint& server, procedures::HttpRequest request,
                               std::function<void(crypto::Result<procedures::HttpResponse>)> done) {
  const procedures::Bytes wire = request.Serialize();
  bytes_sent += wire.size();
  net_.At(Departure() + net_.latency, [this, server, wire, done] {
    FakeNode* n = net_.Find(server.host);
    if (!n || !n->http_handler) {
      Dispatch([&] { done(crypto::Error::kKmsError); });
      return;
    }
    procedures::HttpResponse resp;
    n->Dispatch([&] { resp = n->http_handler(*procedures::ParseHttpRequest(wire)); });
    const procedures::Bytes back = resp.Serialize();
    n->bytes_sent += back.size();
    net_.At(n->Departure() + net_.latency, [this, back, done] {
      Dispatch([&] { done(procedures::ParseHttpResponse(back)); });
    });
  });
}

}  // namespace mcx::test
