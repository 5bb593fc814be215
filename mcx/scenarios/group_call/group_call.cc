#include "mcx/scenarios/group_call/group_call.h"

#include <ns3/core-module.h>
#include <ns3/network-module.h>

#include <cmath>
#include <set>

#include "mcx/crypto/op_count.h"
#include "mcx/procedures/cost_model.h"
#include "mcx/scenarios/shared/onnet_world.h"
#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/shared/summary.h"

namespace mcx::scenarios {

using namespace ns3;
using namespace mcx::models;

GroupCallResult RunGroupCall(const GroupCallParams& p) {
  OnnetWorldParams w = p.world;
  w.groups = 1;
  GroupCallResult r;
  r.params = p;
  RunStreams streams(p.seeds);
  OnnetTopology t = BuildOnnetTopology(w, streams);
  OnnetApps apps = InstallOnnetApps(t, w, streams);
  Ptr<OffnetAttackerApp> attacker;
  if (p.attack == "flood") {
    // An outsider on the core: random datagrams to the MCX server's floor port.
    Ptr<Node> node = CreateObject<Node>();
    AttachToCore(t, node, w);
    OffnetAttackerHelper ah;
    ah.SetAttribute("Kind", StringValue("flood"));
    ah.SetAttribute("GroupAddress", Ipv4AddressValue(t.mcx_ip));
    ah.SetAttribute("FloorPort", UintegerValue(49150));
    ah.SetAttribute("MediaPort", UintegerValue(49151));
    ah.SetAttribute("FloodRate", DoubleValue(p.flood_rate_pps));
    attacker = ah.Install(node);
    streams.Used(attacker->AssignStreams(streams.next()));
  }
  ApplyOnnetFaults(t, w, streams);
  const bool security = p.security == "on";
  SetCallSecurity(apps, security, p.xml_protection);
  apps.mcx->SetAttribute("Queueing", BooleanValue(p.queueing));
  // The workload's own draws: talk bursts and pauses, on streams of their own.
  Ptr<ExponentialRandomVariable> talk = CreateObject<ExponentialRandomVariable>();
  Ptr<ExponentialRandomVariable> pause = CreateObject<ExponentialRandomVariable>();
  Ptr<UniformRandomVariable> pick = CreateObject<UniformRandomVariable>();
  talk->SetAttribute("Mean", DoubleValue(p.talk_mean_s));
  pause->SetAttribute("Mean", DoubleValue(p.talk_mean_s * (1 - p.activity) / p.activity));
  talk->SetStream(streams.next());
  pause->SetStream(streams.next() + 1);
  pick->SetStream(streams.next() + 2);
  streams.Used(3);
  streams.AssignInternetStacks();

  // The call starts once every UE can hold the group's GMK.
  r.call_start_s = p.call_start_s > 0 ? p.call_start_s : OnnetReadyS(w, apps.ue_stagger_s, /*gmk=*/true);
  Simulator::Schedule(Seconds(0.9), &GmsApp::Rekey, apps.gms, GroupUri(0));
  const uint32_t late_from = w.members - std::min(p.late, w.members - 1);
  for (uint32_t i = late_from; i < w.members; ++i)
    apps.ues[i]->SetStartTime(Seconds(r.call_start_s + p.late_after_s + apps.ue_stagger_s * (i - late_from)));

  // Traces -> result.
  std::set<uint32_t> in_call;
  std::vector<bool> heard(w.members, false);
  RecordOnnetCalls(apps, r.calls);
  // Late entrants: when the server accepted their affiliation, and whether someone talked then
  // (KPI 4 counts the time to hear a talk burst under way).
  std::map<std::string, double> affiliated_at;
  std::set<std::string> joined_a_talk;
  apps.mcx->TraceConnectWithoutContext(
      "Affiliated", Callback<void, std::string, std::string>([&](std::string user, std::string) {
        if (affiliated_at.count(user)) return;
        affiliated_at[user] = Simulator::Now().GetSeconds();
        const procedures::GroupCallServer* calls = apps.mcx->GroupCalls();
        const procedures::FloorControlServer* floor = calls ? calls->Floor(GroupUri(0)) : nullptr;
        if (floor && !floor->talker().empty()) joined_a_talk.insert(user);
      }));
  for (uint32_t i = 0; i < w.members; ++i) {
    const Ptr<UeApp>& ue = apps.ues[i];
    const bool late = i >= late_from;
    const std::string member = UeUri(i);
    ue->TraceConnectWithoutContext("CallStarted", Callback<void, std::string, double>([&, i, late, member](std::string, double s) {
                                     if (late && !in_call.count(i) && affiliated_at.count(member))
                                       r.late_entry_call_ms.push_back((Simulator::Now().GetSeconds() - affiliated_at[member]) * 1e3);
                                     in_call.insert(i);
                                     if (i == 0 && s >= 0 && r.setup_200ok_ms < 0) r.setup_200ok_ms = Round3(s * 1e3);
                                   }));
    ue->TraceConnectWithoutContext("MediaRx", Callback<void, uint32_t, Time>([&, i, late, member](uint32_t, Time d) {
                                     ++r.voice_frames_received;
                                     r.mouth_to_ear_ms.push_back(d.GetSeconds() * 1e3);
                                     if (heard[i]) return;
                                     heard[i] = true;
                                     const double now = Simulator::Now().GetSeconds();
                                     if (late && joined_a_talk.count(member))
                                       r.late_entry_voice_ms.push_back((now - affiliated_at[member]) * 1e3);
                                     else if (i != 0)  // the members UE 0's call reached
                                       r.first_voice_ms.push_back((now - r.call_start_s) * 1e3);
                                   }));
  }

  // The workload (psc-ns3's orchestrator with an activity factor): UE 0 sets the call up with a
  // talk burst; after each burst and an exponential pause, a random member other than the last
  // presses for its own burst, until the end of the call's duration; with --contention, another
  // random member presses during a burst.
  const double end_s = r.call_start_s + p.duration_s;
  auto other_than = [&](uint32_t last) {
    if (w.members < 2) return last;
    const uint32_t k = pick->GetInteger(0, w.members - 2);
    return k >= last ? k + 1 : k;
  };
  std::function<void(uint32_t)> burst = [&](uint32_t who) {
    const double len = talk->GetValue();
    apps.ues[who]->PressPtt(Seconds(len));
    if (p.contention > 0 && pick->GetValue() < p.contention) {
      const uint32_t rival = other_than(who);
      const double at = pick->GetValue() * len, rival_len = talk->GetValue();
      Simulator::Schedule(Seconds(at), [&, rival, rival_len]() {
        if (apps.ues[rival]->InCall()) apps.ues[rival]->PressPtt(Seconds(rival_len));
      });
    }
    const double next = Simulator::Now().GetSeconds() + len + pause->GetValue();
    if (next >= end_s) return;
    Simulator::Schedule(Seconds(next) - Simulator::Now(), [&, who]() {
      const uint32_t n = other_than(who);
      if (apps.ues[n]->InCall()) return burst(n);
      burst(who);  // not in the call (never reached): the last talker goes on
    });
  };
  Simulator::Schedule(Seconds(r.call_start_s), [&]() { burst(0); });
  if (p.emergency_at_s > 0 && w.members > 1)
    Simulator::Schedule(Seconds(r.call_start_s + p.emergency_at_s), [&]() {
      apps.ues[w.members - 1]->PressPtt(Seconds(p.talk_mean_s), /*emergency=*/true);
    });
  // Everyone lets go at the end; the run ends a few seconds later (releases answered).
  Simulator::Schedule(Seconds(end_s), [&]() {
    for (const auto& ue : apps.ues) ue->ReleasePtt();
  });
  if (attacker) {  // from the call's start to its end
    attacker->SetStartTime(Seconds(r.call_start_s));
    attacker->SetStopTime(Seconds(end_s));
  }
  r.sim_end_s = end_s + 5.0;
  RunSimulationUntil(Seconds(r.sim_end_s));

  r.members_in_call = static_cast<uint32_t>(in_call.size());
  if (attacker) r.attack_sent = attacker->Sent();
  if (const procedures::GroupCallServer* calls = apps.mcx->GroupCalls()) {
    const procedures::GroupCallServerCounters* c = &calls->counters();
    r.server = {{"calls", c->calls},
                {"invites_sent", c->invites_sent},
                {"invites_answered", c->invites_answered},
                {"invites_failed", c->invites_failed},
                {"late_entries", c->late_entries},
                {"media_relayed", c->media_relayed},
                {"media_dropped", c->media_dropped}};
    if (const procedures::FloorControlServer* floor = calls->Floor(GroupUri(0))) {  // the call still runs
      const procedures::FloorServerCounters& f = floor->counters();
      r.server.insert({{"grants", f.grants},
                       {"queued_grants", f.queued_grants},
                       {"denials", f.denials},
                       {"preemptions", f.preemptions},
                       {"revokes", f.revokes},
                       {"t1_expiries", f.t1_expiries},
                       {"t2_expiries", f.t2_expiries},
                       {"media_without_permission", f.media_without_permission}});
    }
  }
  CollectSignallingBytes(apps, r.calls);
  Simulator::Destroy();
  return r;
}

}  // namespace mcx::scenarios
