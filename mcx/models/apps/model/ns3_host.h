// The procedures' host over ns-3 (mcx/procedures/host.h): the simulator's clock and events, SIP on
// a UDP socket and on TCP connections, HTTPS (the TLS model over TCP) as client and server, UDP
// datagram ports, the node's randomness (an ns-3 stream and a DRBG seeded from it), and the node's worker cores running
// each job's crypto (JobQueue). Every application of a node (the on-network client and the
// off-network one alike) reaches the world through one.
#pragma once

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mcx/crypto/rng.h"
#include "mcx/procedures/cost_model.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/tls_model.h"
#include "mcx/security/naming_plan.h"

namespace mcx::models {

/// An IPv4 address in dotted form (as procedures::Endpoint holds it).
std::string Ipv4String(ns3::Ipv4Address a);

/// A crypto DRBG seeded with 32 bytes drawn from `stream`, so that RngSeedManager's seed and run
/// reach keys and nonces as they reach every other draw; `personalization` tells DRBGs apart.
std::unique_ptr<crypto::HmacDrbg> DrbgFromStream(ns3::Ptr<ns3::UniformRandomVariable> stream,
                                                 std::string_view personalization);

class Ns3Host : public procedures::Host {
 public:
  struct Config {
    uint16_t sip_port = 5060;
    uint16_t http_port = 443;  ///< listened on when an HTTP handler is set
    uint32_t cores = 1;
    procedures::CostModel cost;
    procedures::TlsModelConfig tls;
    uint64_t start_unix = security::naming::kEpochUnix;
    double http_timeout_s = 30;  ///< a request without a response by then fails (kTimeout)
    /// A client's HTTPS connection with nothing outstanding for this long is closed (HTTP/1.1
    /// keep-alive, RFC 9112 9.3); the next request opens a new one. 0: kept open.
    double http_idle_timeout_s = 15;
  };
  /// `random` is the node's ns-3 stream (its application fixes its number): Uniform() draws from
  /// it and the node's crypto DRBG, personalised with `drbg_name`, is seeded from it.
  Ns3Host(ns3::Ptr<ns3::Node> node, Config cfg, ns3::Ptr<ns3::UniformRandomVariable> random,
          std::string_view drbg_name);
  ~Ns3Host() override;
  Ns3Host(const Ns3Host&) = delete;
  Ns3Host& operator=(const Ns3Host&) = delete;

  /// Opens the SIP sockets (when a SIP handler is set) and the HTTPS listener (when an HTTP
  /// handler is set); called from Application::StartApplication.
  void Start();
  /// Closes every socket and cancels every timer and pending job completion.
  /// `disposing`: called from DoDispose, when the node's devices may be gone already: TCP
  /// connections are dropped without a FIN (closing one would send through a disposed device).
  void Stop(bool disposing = false);
  /// Opens a UDP port; each datagram that arrives is one job for `handler` (sender, bytes).
  void OpenDatagram(uint16_t port, std::function<void(const procedures::Endpoint&, crypto::ByteView)> handler);
  /// Runs `fn` as one job (application-level triggers such as a scheduled rekey or a PTT press
  /// that computes crypto).
  void Dispatch(const std::function<void()>& fn) { m_jobs.Dispatch(fn); }
  /// TCP connections open now (SIP and HTTPS, both directions).
  size_t Connections() const { return m_conns.size(); }
  /// This node's first IPv4 address (dotted).
  const std::string& LocalAddress() const { return m_address; }

  /// Handlers: SIP bytes (from, data) and HTTP requests (a server answers synchronously).
  std::function<void(const procedures::Endpoint&, crypto::ByteView)> on_sip;
  std::function<procedures::HttpResponse(const procedures::HttpRequest&)> on_http;
  /// Each message this host sends (bytes on the wire, above UDP/TCP).
  std::function<void(uint32_t bytes)> on_sent;
  /// Each SIP message and datagram this host sends, whole, as it leaves (for flow charts).
  std::function<void(const procedures::Endpoint& to, const crypto::Bytes& message)> on_message;
  /// Each job that computed crypto (simulated seconds, the operations it computed).
  std::function<void(double seconds, const crypto::OpCounts&)> on_crypto_job;

  // procedures::Host
  double Now() const override { return ns3::Simulator::Now().GetSeconds(); }
  uint64_t UnixTime() const override { return m_cfg.start_unix + static_cast<uint64_t>(Now()); }
  procedures::TimerId Schedule(double delay_s, std::function<void()> fn) override;
  void Cancel(procedures::TimerId timer) override;
  crypto::Rng& Rng() override { return *m_drbg; }
  double Uniform() override;
  void EndJob() override { m_jobs.EndJob(); }
  void SendSip(const procedures::Endpoint& to, crypto::Bytes message, bool tcp) override;
  void SendHttp(const procedures::Endpoint& server, procedures::HttpRequest request,
                std::function<void(crypto::Result<procedures::HttpResponse>)> done) override;
  void SendDatagram(uint16_t local_port, const procedures::Endpoint& to, crypto::Bytes datagram) override;
  procedures::Endpoint SipSelf() const override { return procedures::Endpoint{m_address, m_cfg.sip_port}; }

 private:
  struct Conn;
  void RawSend(ns3::Ptr<ns3::Socket> s, const crypto::Bytes& data, Conn* c);
  void Sent(size_t bytes);
  void OnUdp(ns3::Ptr<ns3::Socket> s);
  void OnDatagram(ns3::Ptr<ns3::Socket> s);
  bool OnAcceptRequest(ns3::Ptr<ns3::Socket>, const ns3::Address&) { return true; }
  void OnAccept(ns3::Ptr<ns3::Socket> s, const ns3::Address& from);
  void OnTcpRead(ns3::Ptr<ns3::Socket> s);
  void OnTcpSendSpace(ns3::Ptr<ns3::Socket> s, uint32_t);
  void OnConnected(ns3::Ptr<ns3::Socket> s);
  void OnConnectFailed(ns3::Ptr<ns3::Socket> s);
  Conn& Connect(const procedures::Endpoint& to, bool http);
  void HandleStreamBytes(Conn& c, crypto::ByteView data);
  /// Closes a connection (a byte stream that could not be framed, a request that timed out) and
  /// fails what waits on it with `why`.
  void DropConnection(ns3::Socket* s, crypto::Error why);
  /// (Re)arms the connection's timer for its oldest outstanding request, or, a client's with
  /// nothing outstanding, its idle timer.
  void ArmRequestTimeout(Conn& c);
  /// The peer closed the connection (ours closes too), or it was reset: either way it is
  /// forgotten, and requests still owed answers fail.
  void OnPeerClose(ns3::Ptr<ns3::Socket> s);
  void OnErrorClose(ns3::Ptr<ns3::Socket> s);
  void Closed(ns3::Ptr<ns3::Socket> s, bool reset);
  /// Forgets a connection: no callback of its socket reaches this host any more. in_callback:
  /// called from one of the socket's own callbacks, which is not replaced while it runs.
  void Forget(ns3::Socket* s, bool in_callback = false);
  /// Sets every callback of a socket to null.
  static void Detach(ns3::Ptr<ns3::Socket> s);

  ns3::Ptr<ns3::Node> m_node;
  Config m_cfg;
  bool m_stopped = true;  ///< until Start, and after Stop
  std::string m_address;
  std::unique_ptr<crypto::Rng> m_drbg;
  ns3::Ptr<ns3::UniformRandomVariable> m_uniform;
  procedures::JobQueue m_jobs;
  ns3::Ptr<ns3::Socket> m_udp, m_sipListen, m_httpListen;
  struct DatagramPort {
    ns3::Ptr<ns3::Socket> socket;
    std::function<void(const procedures::Endpoint&, crypto::ByteView)> handler;
  };
  std::map<uint16_t, DatagramPort> m_datagramPorts;
  std::map<procedures::TimerId, ns3::EventId> m_timers;
  std::set<procedures::TimerId> m_pendingTimers;  ///< set during a job, armed when it completes
  procedures::TimerId m_nextTimer = 0;
  std::vector<ns3::EventId> m_completions;  ///< job completions releasing deferred sends
  // Connections by socket; outgoing ones also by (endpoint, kind).
  std::map<ns3::Socket*, std::shared_ptr<Conn>> m_conns;
  std::map<std::pair<std::string, bool>, std::shared_ptr<Conn>> m_outgoing;
};

}  // namespace mcx::models
