// The procedures' host over ns-3: SIP on a UDP socket and on TCP connections, HTTPS (the TLS
// model over TCP) as client and server, timers on the simulator, and the node's worker cores:
// each incoming event is a job whose sends leave when its crypto work is done.
#pragma once

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>

#include <deque>
#include <map>
#include <set>
#include <memory>

#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/tls_model.h"

namespace mcx::models {

class Ns3Env : public procedures::Env {
 public:
  struct Config {
    uint16_t sip_port = 5060;
    uint16_t http_port = 443;  ///< listened on when an HTTP handler is set
    bool sip_tcp = false;
    uint32_t cores = 1;
    procedures::CostModel cost;
    procedures::TlsModelConfig tls;
    uint64_t seed = 1;
    uint64_t start_unix = 1790000000;
  };

  Ns3Env(ns3::Ptr<ns3::Node> node, Config cfg, std::string name);
  ~Ns3Env() override;
  /// Opens the sockets (called from Application::StartApplication).
  void Start();
  void Stop();

  double Now() const override { return ns3::Simulator::Now().GetSeconds(); }
  uint64_t UnixTime() const override { return cfg_.start_unix + static_cast<uint64_t>(Now()); }
  uint64_t Schedule(double delay_s, std::function<void()> fn) override;
  void Cancel(uint64_t timer) override;
  void SendSip(const procedures::Endpoint& to, crypto::Bytes message, bool tcp) override;
  void SendHttp(const procedures::Endpoint& server, procedures::HttpRequest request, std::function<void(crypto::Result<procedures::HttpResponse>)> done) override;
  void Work(const procedures::CryptoWork& w) override;
  void EndJob() override;
  crypto::Rng& Rng() override { return rng_; }
  procedures::Endpoint SipSelf() const override { return procedures::Endpoint{address_, cfg_.sip_port}; }

  /// Handlers: SIP bytes (from, data) and HTTP requests (a server answers synchronously).
  std::function<void(const procedures::Endpoint&, crypto::ByteView)> on_sip;
  std::function<procedures::HttpResponse(const procedures::HttpRequest&)> on_http;

  uint64_t bytes_sent() const { return bytes_sent_; }
  double crypto_seconds() const { return crypto_seconds_; }
  /// Runs `fn` as one job (used for application-level triggers such as a scheduled rekey).
  void Dispatch(const std::function<void()>& fn);

 private:
  struct Conn;
  void Defer(std::function<void()> send);
  void FinishJob();
  void RawSend(ns3::Ptr<ns3::Socket> s, const crypto::Bytes& data, Conn* c);
  void OnUdp(ns3::Ptr<ns3::Socket> s);
  bool OnAcceptRequest(ns3::Ptr<ns3::Socket>, const ns3::Address&) { return true; }
  void OnAccept(ns3::Ptr<ns3::Socket> s, const ns3::Address& from);
  void OnTcpRead(ns3::Ptr<ns3::Socket> s);
  void OnTcpSendSpace(ns3::Ptr<ns3::Socket> s, uint32_t);
  void OnConnected(ns3::Ptr<ns3::Socket> s);
  void OnConnectFailed(ns3::Ptr<ns3::Socket> s);
  Conn& Connect(const procedures::Endpoint& to, bool http);
  void HandleStreamBytes(Conn& c, crypto::ByteView data);

  ns3::Ptr<ns3::Node> node_;
  Config cfg_;
  std::string name_;
  std::string address_;
  crypto::HmacDrbg rng_;
  procedures::WorkerPool pool_;
  ns3::Ptr<ns3::Socket> udp_, sip_listen_, http_listen_;
  std::map<uint64_t, ns3::EventId> timers_;
  std::set<uint64_t> pending_timers_;  ///< set during a job, armed when it completes
  uint64_t next_timer_ = 0;
  // Job accounting.
  bool in_job_ = false;
  double job_cost_ = 0;
  std::vector<std::function<void()>> deferred_;
  // Connections by socket; outgoing ones also by (endpoint, kind).
  std::map<ns3::Socket*, std::shared_ptr<Conn>> conns_;
  std::map<std::pair<std::string, bool>, std::shared_ptr<Conn>> outgoing_;
  uint64_t bytes_sent_ = 0;
  double crypto_seconds_ = 0;
};

}  // namespace mcx::models
