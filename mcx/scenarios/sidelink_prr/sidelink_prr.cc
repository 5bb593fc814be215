#include "mcx/scenarios/sidelink_prr/sidelink_prr.h"

#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include <cmath>
#include <set>

#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/shared/sidelink_world.h"

namespace mcx::scenarios {

using namespace ns3;

SidelinkPrrResult RunSidelinkPrr(const SidelinkPrrParams& p) {
  RunStreams streams(p.seeds);
  SidelinkPrrResult r;
  r.params = p;
  const uint32_t perCircle = p.receivers_per_distance;
  const uint32_t n = 1 + static_cast<uint32_t>(p.distances_m.size()) * perCircle;

  NodeContainer nodes;
  nodes.Create(n);
  auto positions = CreateObject<ListPositionAllocator>();
  positions->Add(Vector(0, 0, 1.5));
  for (double d : p.distances_m)
    for (uint32_t i = 0; i < perCircle; ++i) {
      const double a = 2 * M_PI * i / perCircle;
      positions->Add(Vector(d * std::cos(a), d * std::sin(a), 1.5));
    }
  MobilityHelper mobility;
  mobility.SetPositionAllocator(positions);
  mobility.Install(nodes);

  NetDeviceContainer devices = InstallSidelinkIpv4(nodes, p.radio, streams);

  // Per receiver: packets delivered; SCIs known per (receiver, period).
  std::vector<uint32_t> delivered(n, 0);
  std::set<std::pair<uint32_t, int64_t>> sciKnown, sciSeen;
  for (uint32_t i = 1; i < n; ++i) {
    auto dev = DynamicCast<models::SlNetDevice>(devices.Get(i));
    dev->TraceConnectWithoutContext("MacRx", Callback<void, Ptr<const Packet>, Time>(
        [&r, &delivered, i](Ptr<const Packet>, Time d) {
          ++delivered[i];
          r.latency_ms.push_back(d.GetSeconds() * 1000);
        }));
    dev->TraceConnectWithoutContext("PscchRx", Callback<void, Mac48Address, bool, double>(
        [&, i](Mac48Address, bool ok, double) {
          const int64_t period = Simulator::Now().GetMilliSeconds() / p.radio.sc_period_ms;
          sciSeen.insert({i, period});
          if (ok) sciKnown.insert({i, period});
        }));
  }
  DynamicCast<models::SlNetDevice>(devices.Get(0))->TraceConnectWithoutContext(
      "PhyTx", Callback<void, uint32_t, uint32_t>([&r](uint32_t bytes, uint32_t) { r.bytes_on_air += bytes; }));

  Ptr<Socket> src = Socket::CreateSocket(nodes.Get(0), UdpSocketFactory::GetTypeId());
  src->Connect(InetSocketAddress(Ipv4Address("225.0.0.1"), 9000));
  Ptr<UniformRandomVariable> when = streams.NewUniform();
  streams.AssignInternetStacks();
  // One packet per slot of 3 periods, at a random time in its first two (never two in one grant).
  const double slotMs = 3.0 * p.radio.sc_period_ms;
  for (uint32_t k = 0; k < p.packets; ++k)
    Simulator::Schedule(MilliSeconds(100) + MicroSeconds(static_cast<int64_t>((k * slotMs + when->GetValue(0, 2 * p.radio.sc_period_ms)) * 1000)),
                        [src, &p, &r]() {
                          src->Send(Create<Packet>(p.packet_bytes));
                          ++r.packets_sent;
                        });
  const Time end = MilliSeconds(100 + static_cast<int64_t>(p.packets * slotMs) + 3 * p.radio.sc_period_ms);
  RunSimulationUntil(end);
  Simulator::Destroy();
  r.sim_end_s = end.GetSeconds();

  for (size_t di = 0; di < p.distances_m.size(); ++di) {
    uint64_t got = 0, known = 0, seen = 0;
    for (uint32_t i = 0; i < perCircle; ++i) {
      const uint32_t node = 1 + static_cast<uint32_t>(di) * perCircle + i;
      got += delivered[node];
      for (auto it = sciSeen.lower_bound({node, INT64_MIN}); it != sciSeen.end() && it->first == node; ++it) {
        ++seen;
        known += sciKnown.count(*it);
      }
    }
    const double sent = static_cast<double>(r.packets_sent) * perCircle;
    r.prr.push_back(sent > 0 ? got / sent : 0.0);
    r.p_sci.push_back(seen > 0 ? static_cast<double>(known) / seen : 0.0);
  }
  return r;
}

}  // namespace mcx::scenarios
