// What an MCX procedure needs from the world: a clock and timers, transports, processing time
// and randomness. The ns-3 applications implement it over sockets and the simulator; unit tests
// implement it with a fake clock and an in-memory network.
#pragma once

#include <functional>
#include <string>

#include "mcx/procedures/cost_model.h"
#include "mcx/procedures/transport/http_message.h"
#include "mcx/crypto/rng.h"

namespace mcx::procedures {

struct Endpoint {
  std::string host;  ///< an IPv4 address in dotted form
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
  bool operator==(const Endpoint& o) const { return host == o.host && port == o.port; }
  bool operator<(const Endpoint& o) const { return host < o.host || (host == o.host && port < o.port); }
};

class Env {
 public:
  virtual ~Env() = default;
  virtual double Now() const = 0;  ///< simulated seconds
  /// Unix seconds of "now" (the scenario's start date plus Now()): key periods, T payloads.
  virtual uint64_t UnixTime() const = 0;
  virtual uint64_t Schedule(double delay_s, std::function<void()> fn) = 0;
  virtual void Cancel(uint64_t timer) = 0;
  /// A SIP message to `to`, over UDP or over a TCP connection.
  virtual void SendSip(const Endpoint& to, Bytes message, bool tcp) = 0;
  /// An HTTPS request to `server` (connection and TLS are the transport's business).
  virtual void SendHttp(const Endpoint& server, HttpRequest request,
                        std::function<void(Result<HttpResponse>)> done) = 0;
  /// Adds the cost of `w` to the job being handled: what this job sends leaves when it is done.
  virtual void Work(const CryptoWork& w) = 0;
  /// Ends the current job here (what follows is a new job, possibly on another core).
  virtual void EndJob() = 0;
  virtual crypto::Rng& Rng() = 0;
  /// This node's SIP endpoint (for Via and Contact).
  virtual Endpoint SipSelf() const = 0;
};

}  // namespace mcx::procedures
