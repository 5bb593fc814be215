#include "mcx/scenarios/on_off_transition/on_off_transition.h"

#include <ns3/core-module.h>
#include <ns3/error-model.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "mcx/scenarios/shared/onnet_world.h"
#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/shared/sidelink_world.h"

namespace mcx::scenarios {

using namespace ns3;
using namespace mcx::models;

namespace {

// An off-network message the member could not open because of its keys (not the radio).
std::optional<std::string> KeyFailure(const std::string& error) {
  for (const char* plane : {"floor_", "media_"}) {
    if (error.rfind(plane, 0) != 0) continue;
    const std::string why = error.substr(std::string(plane).size());
    if (why == "unknown_mki" || why == "key_expired" || why == "key_revoked") return why;
  }
  return std::nullopt;
}

struct GmkTimeline {
  uint32_t gmk_id;
  double issued_s;
  double active_s;  ///< when members' clocks (whole Unix seconds) see it active
  double expiry_s;  ///< when they see it expire (infinity: never)
};

struct Collector {
  std::vector<GmkTimeline> issued;
  std::vector<std::map<uint32_t, double>> held;  ///< per member: GMK-ID -> first stored
  std::vector<uint32_t> away_now;                ///< members currently out of coverage
  double expected_receptions = 0;                ///< sidelink packets x members away then - 1
};

}  // namespace

double EndOf(const OnOffTransitionParams& p) { return p.end_s > 0 ? p.end_s : std::max(75.0, p.return_s + 15); }

std::optional<std::string> CheckOnOffTransition(const OnOffTransitionParams& p) {
  if (p.world.access != "ideal") return std::string("on-off-transition runs on the ideal access network");
  if (p.away == 0 || p.away > p.world.members) return std::string("--away is 1 to --members");
  const double lastLeave = p.leave_s + (p.away - 1) * p.leave_stagger_s;
  if (p.leave_s < 3 || lastLeave >= p.return_s)
    return std::string("members leave after set-up (--leave >= 3 s) and before they return (--return)");
  if (EndOf(p) <= p.return_s) return std::string("the run ends (--end) after the return (--return)");
  for (double r : p.rekeys_s)
    if (r < 3 || r >= EndOf(p)) return std::string("--rekeys happen between 3 s and the end of the run");
  return std::nullopt;
}

OnOffTransitionResult RunOnOffTransition(const OnOffTransitionParams& given) {
  if (auto why = CheckOnOffTransition(given)) throw std::invalid_argument(*why);
  OnOffTransitionParams p = given;
  p.end_s = EndOf(given);
  OnOffTransitionResult r;
  r.params = p;
  RunStreams streams(p.seeds);
  OnnetWorldParams net = p.world;
  net.groups = 1;
  const uint32_t n = net.members;

  OnnetTopology t = BuildOnnetTopology(net, streams);
  MobilityHelper mobility;  // the sidelink needs positions: every UE in one disc
  auto disc = CreateObject<UniformDiscPositionAllocator>();
  disc->SetRho(p.radius_m);
  disc->SetZ(1.5);
  streams.Used(disc->AssignStreams(streams.next()));
  mobility.SetPositionAllocator(disc);
  mobility.Install(t.ues);
  Ptr<SlChannel> channel;
  NetDeviceContainer sl = InstallSidelinkIpv4(t.ues, p.radio, streams, &channel);

  OnnetApps apps = InstallOnnetApps(t, net, streams);
  apps.gms->SetAttribute("KeyLifetime", TimeValue(Seconds(p.key_lifetime_s)));
  const std::string group = GroupUri(0);

  Collector c;
  c.held.resize(n);
  apps.gms->TraceConnectWithoutContext(
      "RekeyStarted", Callback<void, std::string, uint32_t, uint32_t, uint64_t, uint64_t>(
                          [&c, &net](std::string, uint32_t id, uint32_t, uint64_t activation, uint64_t expiry) {
                            // Members' clocks (whole Unix seconds) see the GMK active, and expired,
                            // at these simulated times.
                            const double now = Simulator::Now().GetSeconds();
                            const double active = static_cast<double>(activation - net.start_unix);
                            const double expires = expiry != 0 ? static_cast<double>(expiry - net.start_unix)
                                                               : std::numeric_limits<double>::infinity();
                            c.issued.push_back(GmkTimeline{id, now, active, expires});
                          }));
  apps.gms->TraceConnectWithoutContext(
      "RekeyOutcome", Callback<void, std::string, std::string, uint32_t, uint32_t, double, std::string>(
                          [&r](std::string, std::string, uint32_t, uint32_t n, double, std::string result) {
                            if (n > 0) ++r.rekey_answers[result];  // the initial key is set-up, not a rekey
                          }));

  r.members.resize(n);
  std::vector<Ptr<OffnetMcpttApp>> offnet(n);
  OffnetMcpttHelper helper;
  helper.SetAttribute("GroupUri", StringValue(group));
  helper.SetAttribute("StartUnixTime", UintegerValue(net.start_unix));
  helper.SetAttribute("T201", TimeValue(Seconds(p.t201_ms / 1000.0)));
  helper.SetAttribute("C201", UintegerValue(p.c201));
  helper.SetAttribute("PttMeanInterval", TimeValue(Seconds(p.ptt_mean_interval_s)));
  helper.SetAttribute("TalkMean", TimeValue(Seconds(p.talk_mean_s)));
  helper.SetAttribute("DeviceFactor", DoubleValue(net.ue_device_factor));
  for (uint32_t i = 0; i < n; ++i) {
    MemberTransition& m = r.members[i];
    m.member = UeUri(i);
    m.away = i < p.away;
    Ptr<UeApp> ue = apps.ues[i];
    ue->TraceConnectWithoutContext("Error", Callback<void, std::string>([&r](std::string e) { ++r.errors["ue_" + e]; }));
    if (m.away) {
      m.left_s = p.leave_s + i * p.leave_stagger_s;
      m.returned_s = p.return_s;
      helper.SetAttribute("UserId", StringValue(m.member));
      helper.SetAttribute("Ssrc", UintegerValue(0x5000 + i));
      Ptr<OffnetMcpttApp> app = helper.Install(t.ues.Get(i));
      streams.Used(app->AssignStreams(streams.next()));
      app->SetStartTime(Seconds(m.left_s));
      app->SetStopTime(Seconds(m.returned_s));
      offnet[i] = app;
      Ptr<SlNetDevice> dev = DynamicCast<SlNetDevice>(sl.Get(i));
      CollectOffnetStats(app, dev, r.offnet, [&c, i]() {
        return std::find(c.away_now.begin(), c.away_now.end(), i) != c.away_now.end();
      });
      app->TraceConnectWithoutContext("Error", Callback<void, std::string>([&m](std::string e) {
        if (auto why = KeyFailure(e)) {
          ++m.undecryptable;
          ++m.undecryptable_by_reason[*why];
        }
        if (e == "no_active_gmk") ++m.no_active_gmk;
      }));
      dev->TraceConnectWithoutContext("MacTx", Callback<void, Ptr<const Packet>>([&c](Ptr<const Packet>) {
        c.expected_receptions += c.away_now.size() - 1.0;
      }));
      // Leaving and coming back: the access link goes dark (every packet lost, both ways), then
      // the client reconnects.
      LinkFaults* coverage = &t.Faults("ue" + std::to_string(i), streams);
      Simulator::Schedule(Seconds(m.left_s), [coverage, &c, i]() {
        coverage->Down();
        c.away_now.push_back(i);
      });
      Simulator::Schedule(Seconds(m.returned_s), [coverage, ue, &c, i]() {
        coverage->Up();
        c.away_now.erase(std::remove(c.away_now.begin(), c.away_now.end(), i), c.away_now.end());
        ue->CoverageRestored();
      });
    }
    // The GMKs the on-network client stores go into the node's key store, which the off-network
    // client uses as well; here only when each arrived is recorded.
    ue->TraceConnectWithoutContext("GmkStored", Callback<void, std::string, uint32_t>([&c, i](std::string, uint32_t id) {
      c.held[i].emplace(id, Simulator::Now().GetSeconds());
    }));
  }
  channel->TraceConnectWithoutContext("Collision", Callback<void, uint32_t, uint32_t>([&r](uint32_t kind, uint32_t) {
    ++(kind == 0 ? r.collisions_pscch : r.collisions_pssch);
  }));

  ApplyOnnetFaults(t, net, streams);
  streams.AssignInternetStacks();
  Simulator::Schedule(Seconds(0.9), &GmsApp::Rekey, apps.gms, group);  // the initial GMK
  for (double at : p.rekeys_s) Simulator::Schedule(Seconds(at), &GmsApp::Rekey, apps.gms, group);
  RunSimulationUntil(Seconds(p.end_s));

  // Stale time: from each rekeyed GMK's activation until the member holds it (or the next one
  // activates, or the run ends).
  const double inf = std::numeric_limits<double>::infinity();
  for (uint32_t i = 0; i < n; ++i) {
    MemberTransition& m = r.members[i];
    auto heldAt = [&](uint32_t id) {
      auto it = c.held[i].find(id);
      return it == c.held[i].end() ? inf : it->second;
    };
    for (size_t k = 1; k < c.issued.size(); ++k) {
      // The GMK is the group's current one once it is both issued and active.
      const double from = std::max(c.issued[k].issued_s, c.issued[k].active_s);
      const double to = k + 1 < c.issued.size() ? std::max(c.issued[k + 1].issued_s, c.issued[k + 1].active_s) : p.end_s;
      if (to > from) m.stale_key_ms += std::max(0.0, std::min(heldAt(c.issued[k].gmk_id), to) - from) * 1000.0;
    }
    // Time without any usable GMK: none held is active and unexpired.
    if (!c.issued.empty()) {
      double first = p.end_s;  // set-up is not a key failure: count from the first GMK held
      for (const auto& [id, at] : c.held[i]) first = std::min(first, at);
      std::vector<double> edges = {first, p.end_s};
      for (const GmkTimeline& k : c.issued)
        for (double e : {k.active_s, k.expiry_s, heldAt(k.gmk_id)})
          if (e > edges[0] && e < p.end_s) edges.push_back(e);
      std::sort(edges.begin(), edges.end());
      for (size_t e = 0; e + 1 < edges.size(); ++e) {
        const double mid = (edges[e] + edges[e + 1]) / 2;
        // Usable as StoredKey::CheckUsable(kSend) decides at an instant (held, active, unexpired;
        // no GMK here is revoked), applied to the time between two edges.
        bool usable = false;
        for (const GmkTimeline& k : c.issued)
          usable = usable || (heldAt(k.gmk_id) <= mid && k.active_s <= mid && mid < k.expiry_s);
        if (!usable) m.without_usable_gmk_ms += (edges[e + 1] - edges[e]) * 1000.0;
      }
    }
    if (!c.issued.empty()) {
      const double got = heldAt(c.issued.back().gmk_id);
      m.current_at_end = got < inf;
      // Catching up: until it holds the last GMK issued before it came back.
      if (m.away) {
        for (size_t k = c.issued.size(); k-- > 0;) {
          if (c.issued[k].issued_s > m.returned_s) continue;
          const double h = heldAt(c.issued[k].gmk_id);
          if (h < inf) m.catch_up_ms = std::max(0.0, h - m.returned_s) * 1000.0;
          break;
        }
      }
    }
  }
  r.sim_end_s = p.end_s;
  r.expected_receptions = c.expected_receptions;
  Simulator::Destroy();
  return r;
}

}  // namespace mcx::scenarios
