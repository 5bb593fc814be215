// The procedures' ns-3 host (apps/model/ns3_host.h) in a small ns-3 run: a client's HTTPS
// connection with nothing outstanding is closed after the idle timeout, the server forgets its end,
// and the next request opens a new connection; with the timeout at 0 the connection stays.
#include <gtest/gtest.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include "mcx/models/apps/model/ns3_host.h"

using namespace ns3;
using mcx::models::Ns3Host;
using mcx::procedures::Endpoint;
using mcx::procedures::HttpRequest;
using mcx::procedures::HttpResponse;

namespace {

/// A client and a server on one 10 ms point-to-point link; the client sends a request at each of
/// `at_s`. Returns the hosts' connection counts after `check_s`.
struct Seen {
  size_t client_conns = 0, server_conns = 0;
  std::vector<int> answers;
  int served = 0;
};

/// stop_server_s / stop_client_s: that host Stops (closing its connections) then; server_ip: where
/// the client sends (another address on the link: nobody answers).
Seen RunPair(double idle_s, std::vector<double> at_s, double check_s, double stop_server_s = -1,
             double stop_client_s = -1, std::string server_ip = "10.1.0.2") {
  Simulator::Destroy();
  NodeContainer nodes;
  nodes.Create(2);
  PointToPointHelper link;
  link.SetChannelAttribute("Delay", TimeValue(MilliSeconds(10)));
  InternetStackHelper().Install(nodes);
  Ipv4AddressHelper ip("10.1.0.0", "255.255.255.0");
  Ipv4InterfaceContainer ifc = ip.Assign(link.Install(nodes));
  auto random = CreateObject<UniformRandomVariable>();
  Ns3Host::Config cfg;
  cfg.http_idle_timeout_s = idle_s;
  struct {
    std::unique_ptr<Ns3Host> client, server;
    int requests_served = 0;
    std::vector<int> answers;  // each response's status, or -1 for a failure
  } p;
  p.server = std::make_unique<Ns3Host>(nodes.Get(1), cfg, random, "server");
  p.client = std::make_unique<Ns3Host>(nodes.Get(0), cfg, random, "client");
  p.server->on_http = [&p](const HttpRequest&) {
    ++p.requests_served;
    return HttpResponse{};
  };
  p.server->Start();
  p.client->Start();
  const Endpoint server{server_ip, cfg.http_port};
  if (stop_server_s >= 0) Simulator::Schedule(Seconds(stop_server_s), [&p] { p.server->Stop(); });
  if (stop_client_s >= 0) Simulator::Schedule(Seconds(stop_client_s), [&p] { p.client->Stop(); });
  for (double t : at_s)
    Simulator::Schedule(Seconds(t), [&p, server] {
      p.client->SendHttp(server, HttpRequest{}, [&p](mcx::crypto::Result<HttpResponse> r) {
        p.answers.push_back(r ? r->status : -1);
      });
    });
  Seen seen;
  Simulator::Schedule(Seconds(check_s), [&] {
    seen.client_conns = p.client->Connections();
    seen.server_conns = p.server->Connections();
  });
  Simulator::Stop(Seconds(check_s + 1));
  Simulator::Run();
  seen.answers = p.answers;
  seen.served = p.requests_served;
  p.client->Stop(true);
  p.server->Stop(true);
  Simulator::Destroy();
  return seen;
}

TEST(Ns3HostHttp, AnIdleConnectionIsClosedOnBothEndsAndTheNextRequestReconnects) {
  // Idle timeout 5 s: the first answer comes at ~0.1 s, the connection is gone at 5.1 s.
  const Seen open = RunPair(5, {0.0}, 3.0);
  EXPECT_EQ(open.client_conns, 1u);
  EXPECT_EQ(open.server_conns, 1u);
  const Seen closed = RunPair(5, {0.0}, 7.0);
  EXPECT_EQ(closed.client_conns, 0u);
  EXPECT_EQ(closed.server_conns, 0u);
  // A request after the close opens a new connection and is answered.
  const Seen again = RunPair(5, {0.0, 10.0}, 12.0);
  EXPECT_EQ(again.answers, (std::vector<int>{200, 200}));
  EXPECT_EQ(again.served, 2);
  EXPECT_EQ(again.client_conns, 1u);
  // Requests closer together than the timeout share one connection.
  const Seen kept = RunPair(5, {0.0, 3.0, 6.0}, 7.0);
  EXPECT_EQ(kept.answers.size(), 3u);
  EXPECT_EQ(kept.server_conns, 1u);
}

TEST(Ns3HostHttp, AServerThatGoesAwayFailsTheRequestsItOwes) {
  // Gone during the handshakes (TCP's until ~30 ms, TLS's until ~70 ms) or with the request on
  // its way: its FIN reaches the client, which fails the request at once. A connection the
  // listener began before the server stopped is not taken afterwards.
  for (double stop_s : {0.025, 0.045, 0.065, 0.085}) {
    SCOPED_TRACE(stop_s);
    const Seen s = RunPair(5, {0.0}, 1.0, stop_s);
    EXPECT_EQ(s.answers, (std::vector<int>{-1}));
    EXPECT_EQ(s.served, 0);
    EXPECT_EQ(s.client_conns, 0u);
    EXPECT_EQ(s.server_conns, 0u);
  }
  // Gone before the SYN arrives: nobody answers, and the request times out (HttpTimeout, 30 s).
  const Seen early = RunPair(5, {0.0}, 29.0, 0.001);
  EXPECT_TRUE(early.answers.empty());
  const Seen late = RunPair(5, {0.0}, 31.0, 0.001);
  EXPECT_EQ(late.answers, (std::vector<int>{-1}));
  EXPECT_EQ(late.client_conns, 0u);
}

TEST(Ns3HostHttp, AClientStoppingWhileItConnectsIsQuiet) {
  // Nobody has 10.1.0.9: the SYN goes unanswered and the socket is still connecting when the
  // client stops (closing a connecting socket resets it, which notifies at once).
  const Seen s = RunPair(5, {0.0}, 2.0, -1, /*stop_client_s=*/0.5, "10.1.0.9");
  EXPECT_TRUE(s.answers.empty());
  EXPECT_EQ(s.client_conns, 0u);
}

TEST(Ns3HostHttp, WithoutAnIdleTimeoutTheConnectionStays) {
  const Seen s = RunPair(0, {0.0}, 60.0);
  EXPECT_EQ(s.answers, (std::vector<int>{200}));
  EXPECT_EQ(s.client_conns, 1u);
  EXPECT_EQ(s.server_conns, 1u);
}

}  // namespace
