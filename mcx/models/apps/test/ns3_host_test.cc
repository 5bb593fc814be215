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

Seen RunPair(double idle_s, std::vector<double> at_s, double check_s) {
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
  const Endpoint server{"10.1.0.2", cfg.http_port};
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

TEST(Ns3HostHttp, WithoutAnIdleTimeoutTheConnectionStays) {
  const Seen s = RunPair(0, {0.0}, 60.0);
  EXPECT_EQ(s.answers, (std::vector<int>{200}));
  EXPECT_EQ(s.client_conns, 1u);
  EXPECT_EQ(s.server_conns, 1u);
}

}  // namespace
