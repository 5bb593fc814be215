// What a procedure sees of the world, through one interface: the clock and timers, randomness,
// transports, and the processing time of the crypto it computes. The ns-3 applications give their
// procedures an ns-3 host (mcx/models/apps/model/ns3_host.h); unit tests give them a fake one
// (tests/support/fake_network.h).
//
// Work happens in jobs: each message that arrives and each timer that fires is one job. The crypto
// a job computes is counted where it is computed (crypto/op_count.h) and priced by the cost model
// (cost_model.h); what the job sends or schedules takes effect once that processing is done on
// the node's worker cores. So procedures never charge time by hand: a receiver that rejects a
// message at its signature check pays for the verification and nothing more.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"
#include "mcx/crypto/rng.h"
#include "mcx/procedures/transport/http_message.h"

namespace mcx::procedures {

struct Endpoint {
  std::string host;  ///< an IPv4 address in dotted form
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
  bool operator==(const Endpoint& o) const { return host == o.host && port == o.port; }
  bool operator<(const Endpoint& o) const { return host < o.host || (host == o.host && port < o.port); }
};

/// A timer's handle; 0 is no timer.
using TimerId = uint64_t;

class Host {
 public:
  virtual ~Host() = default;

  /// Simulated seconds.
  virtual double Now() const = 0;
  /// The calendar: Unix seconds at Now() (the scenario's epoch plus Now()); key periods, T payloads.
  virtual uint64_t UnixTime() const = 0;

  /// Runs fn after delay_s, as a job of its own. A timer set during a job starts when the job's
  /// processing is done (a retransmission timer must not run while its request is computed).
  virtual TimerId Schedule(double delay_s, std::function<void()> fn) = 0;
  /// Cancels a timer that has not fired (0 and fired timers are ignored).
  virtual void Cancel(TimerId timer) = 0;

  /// Key material, nonces, call identifiers and tokens: the node's deterministic DRBG.
  virtual crypto::Rng& Rng() = 0;
  /// U(0, 1) for a protocol's random timers (an ns-3 random stream in simulation).
  virtual double Uniform() = 0;

  /// Ends the current job here: what follows is a new job, possibly on another core (a GMS
  /// serving many members spreads them over its cores).
  virtual void EndJob() = 0;

  /// A SIP message to `to`, over UDP or over a TCP connection.
  virtual void SendSip(const Endpoint& to, crypto::Bytes message, bool tcp) = 0;
  /// An HTTPS request to `server`; connections and TLS are the host's business.
  virtual void SendHttp(const Endpoint& server, HttpRequest request,
                        std::function<void(crypto::Result<HttpResponse>)> done) = 0;
  /// A UDP datagram from our `local_port` (MONP, floor control, media).
  virtual void SendDatagram(uint16_t local_port, const Endpoint& to, crypto::Bytes datagram) = 0;
  /// This node's SIP endpoint (Via, Contact).
  virtual Endpoint SipSelf() const = 0;
};

/// A random SSRC for a stream this node sends (RFC 3550 8.1), never 0.
inline uint32_t DrawSsrc(Host& host) { return static_cast<uint32_t>(host.Uniform() * 0xfffffff0u) + 1; }

}  // namespace mcx::procedures
