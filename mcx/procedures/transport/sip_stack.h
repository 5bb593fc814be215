// SIP transactions (RFC 3261 17) for non-INVITE requests over UDP or TCP: the client retransmits
// on Timer E (T1 doubling up to T2) until a final response and gives up on Timer F (64 T1); the
// server absorbs retransmissions by resending its last response. Over TCP nothing is resent.
#pragma once

#include <map>

#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/sip_message.h"

namespace mcx::procedures {

struct SipTimers {
  double t1 = 0.5;  ///< RFC 3261 default (3GPP IMS towards the UE: 2 s)
  double t2 = 4.0;
};

struct SipCounters {
  uint64_t requests_sent = 0;
  uint64_t retransmissions = 0;
  uint64_t timeouts = 0;
  uint64_t retransmissions_absorbed = 0;
  uint64_t bytes_sent = 0;
  uint64_t malformed = 0;
};

class SipStack {
 public:
  /// nullptr: Timer F fired (no final response).
  using ResponseFn = std::function<void(const SipMessage* response)>;
  using RequestFn = std::function<void(const Endpoint& from, const SipMessage& request)>;

  SipStack(Host& host, SipTimers timers, bool tcp) : host_(host), timers_(timers), tcp_(tcp) {}
  ~SipStack();

  /// Adds our Via (with a fresh branch) and sends; `done` gets the final response.
  void SendRequest(const Endpoint& to, SipMessage request, ResponseFn done);
  /// Sends a response to the request's sender and keeps it for retransmitted requests.
  void SendResponse(const Endpoint& to, const SipMessage& response);
  /// Bytes received from `from`.
  void OnBytes(const Endpoint& from, ByteView data);
  /// Forwards a message unchanged (a proxy): no transaction state.
  void Forward(const Endpoint& to, const SipMessage& m);

  void SetRequestHandler(RequestFn fn) { on_request_ = std::move(fn); }
  /// A response matching no client transaction (e.g. one a stateless proxy relays).
  void SetStrayResponseHandler(std::function<void(const SipMessage&)> fn) { on_stray_response_ = std::move(fn); }
  const SipCounters& counters() const { return counters_; }
  /// Server transactions kept to absorb retransmitted requests (each for 64 T1).
  size_t server_transactions() const { return server_last_.size(); }
  bool tcp() const { return tcp_; }
  std::string NewToken();

 private:
  struct Client {
    Endpoint to;
    Bytes wire;
    ResponseFn done;
    double interval = 0;
    uint64_t timer_e = 0, timer_f = 0;
  };
  void Transmit(const Endpoint& to, const Bytes& wire);
  void OnTimerE(const std::string& branch);
  void OnTimerF(const std::string& branch);

  Host& host_;
  SipTimers timers_;
  bool tcp_;
  std::map<std::string, Client> clients_;       ///< by branch
  std::map<std::string, Bytes> server_last_;    ///< by branch + method: the last response
  std::map<std::string, Endpoint> server_peer_;
  RequestFn on_request_;
  std::function<void(const SipMessage&)> on_stray_response_;
  SipCounters counters_;
};

}  // namespace mcx::procedures
