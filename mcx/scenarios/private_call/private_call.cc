#include "mcx/scenarios/private_call/private_call.h"

#include <ns3/core-module.h>
#include <ns3/network-module.h>

#include <algorithm>

#include "mcx/scenarios/registry/run_control.h"
#include "mcx/scenarios/shared/onnet_world.h"
#include "mcx/scenarios/shared/summary.h"

namespace mcx::scenarios {

using namespace ns3;
using namespace mcx::models;

namespace {
/// The last talk burst of a session ends this long before the caller hangs up (the floor's
/// release and its Floor Idle are over before the BYE).
constexpr double kReleaseBeforeHangupS = 0.5;
/// A pair's next call comes at least this long after the last one's hang-up, so that its BYE
/// has reached both (a caller still in the last call would not call).
constexpr double kMinGapS = 1.0;
}  // namespace

PrivateCallResult RunPrivateCall(const PrivateCallParams& p) {
  OnnetWorldParams w = p.world;
  w.groups = 1;
  PrivateCallResult r;
  r.params = p;
  RunStreams streams(p.seeds);
  OnnetTopology t = BuildOnnetTopology(w, streams);
  OnnetApps apps = InstallOnnetApps(t, w, streams);
  ApplyOnnetFaults(t, w, streams);
  const bool security = p.security == "on";
  SetCallSecurity(apps, security, p.xml_protection);
  apps.mcx->SetAttribute("CorruptKeyMgmt", BooleanValue(p.attack == "corrupt-key-mgmt"));
  // The workload's own draws, on streams of their own.
  Ptr<ExponentialRandomVariable> session = CreateObject<ExponentialRandomVariable>();
  Ptr<ExponentialRandomVariable> talk = CreateObject<ExponentialRandomVariable>();
  Ptr<ExponentialRandomVariable> pause = CreateObject<ExponentialRandomVariable>();
  Ptr<ExponentialRandomVariable> gap = CreateObject<ExponentialRandomVariable>();
  Ptr<UniformRandomVariable> pick = CreateObject<UniformRandomVariable>();
  session->SetAttribute("Mean", DoubleValue(p.session_mean_s));
  talk->SetAttribute("Mean", DoubleValue(p.talk_mean_s));
  pause->SetAttribute("Mean", DoubleValue(p.talk_mean_s * (1 - p.activity) / p.activity));
  gap->SetAttribute("Mean", DoubleValue(p.gap_mean_s));
  const int64_t first = streams.next();
  session->SetStream(first);
  talk->SetStream(first + 1);
  pause->SetStream(first + 2);
  gap->SetStream(first + 3);
  pick->SetStream(first + 4);
  streams.Used(5);
  streams.AssignInternetStacks();
  // Calls start once every UE is registered with its CSK (no GMK is needed).
  r.call_start_s = p.call_start_s > 0 ? p.call_start_s : OnnetReadyS(w, apps.ue_stagger_s, /*gmk=*/false);
  Simulator::Schedule(Seconds(0.9), &GmsApp::Rekey, apps.gms, GroupUri(0));

  // Traces -> result. Each UE's current call attempt (an index into r.calls, or -1).
  RecordOnnetCalls(apps, r.stats);
  std::vector<int64_t> current(w.members, -1);
  for (uint32_t i = 0; i < w.members; ++i) {
    const Ptr<UeApp>& ue = apps.ues[i];
    ue->TraceConnectWithoutContext("CallStarted", Callback<void, std::string, double>([&, i](std::string, double s) {
                                     if (current[i] < 0) return;
                                     PrivateCallRecord& c = r.calls[current[i]];
                                     if (s >= 0) c.setup_ms = Round3(s * 1e3), c.outcome = "connected";
                                   }));
    ue->TraceConnectWithoutContext("CallFailed", Callback<void, uint32_t, std::string>([&, i](uint32_t status, std::string why) {
                                     if (current[i] < 0) return;
                                     PrivateCallRecord& c = r.calls[current[i]];
                                     c.outcome = status == 0 ? "no_answer" : "refused";
                                     c.status = status;
                                     c.why = why;
                                   }));
    ue->TraceConnectWithoutContext("MediaRx", Callback<void, uint32_t, Time>([&, i](uint32_t, Time d) {
                                     ++r.voice_frames_received;
                                     ++r.frames_heard[UeUri(i)];
                                     r.mouth_to_ear_ms.push_back(d.GetSeconds() * 1e3);
                                     if (current[i] < 0) return;
                                     PrivateCallRecord& c = r.calls[current[i]];
                                     if (c.first_voice_ms < 0 && c.callee == UeUri(i))
                                       c.first_voice_ms = Round3((Simulator::Now().GetSeconds() - c.start_s) * 1e3);
                                   }));
  }

  // The workload: each pair (2k, 2k+1) makes p.calls calls, one after another, planned here (who
  // calls, when, for how long) so that the run's end is known. A call: a random one of the two
  // presses PTT to call the other (an implicit floor request) and talks a burst; then they take
  // turns, a pause before each burst, until the session's length has passed and the caller hangs
  // up; the pair's next call follows after a gap.
  struct Planned {
    uint32_t caller;
    double start_s, length_s;
  };
  std::vector<Planned> plan;
  double end_s = r.call_start_s;
  for (uint32_t pair = 0; pair < w.members / 2; ++pair) {
    double at = r.call_start_s + 0.1 * pair;
    for (uint32_t k = 0; k < p.calls; ++k) {
      const uint32_t caller = 2 * pair + pick->GetInteger(0, 1);
      const double length = session->GetValue();
      plan.push_back({caller, at, length});
      end_s = std::max(end_s, at + length);
      at += length + kMinGapS + gap->GetValue();
    }
  }
  for (const Planned& c : plan) {
    Simulator::Schedule(Seconds(c.start_s), [&, c]() {
      const uint32_t callee = c.caller ^ 1u;
      current[c.caller] = current[callee] = static_cast<int64_t>(r.calls.size());
      PrivateCallRecord rec;
      rec.start_s = c.start_s;
      rec.caller = UeUri(c.caller);
      rec.callee = UeUri(callee);
      r.calls.push_back(rec);
      // Users let go before they hang up: every burst ends kReleaseBeforeHangupS before the end.
      const double end = c.start_s + c.length_s - kReleaseBeforeHangupS;
      apps.ues[c.caller]->CallPrivate(UeUri(callee), Seconds(std::max(0.02, std::min(talk->GetValue(), end - c.start_s))));
      double at = c.start_s + p.talk_mean_s;
      for (uint32_t who = callee; (at += pause->GetValue()) < end; who ^= 1u, at += p.talk_mean_s)
        Simulator::Schedule(Seconds(at) - Simulator::Now(), [&, who, end]() {
          if (apps.ues[who]->InCall())
            apps.ues[who]->PressPtt(Seconds(std::min(talk->GetValue(), end - Simulator::Now().GetSeconds())));
        });
      Simulator::Schedule(Seconds(c.length_s), [&, c]() { apps.ues[c.caller]->Hangup(); });
    });
  }
  r.sim_end_s = end_s + 5.0;  // the last BYE answered
  RunSimulationUntil(Seconds(r.sim_end_s));

  if (const procedures::GroupCallServer* calls = apps.mcx->GroupCalls()) {
    const procedures::GroupCallServerCounters& c = calls->counters();
    r.server = {{"private_invites", c.private_invites},
                {"private_connected", c.private_connected},
                {"private_refused", c.private_refused},
                {"media_relayed", c.media_relayed},
                {"media_dropped", c.media_dropped}};
  }
  CollectSignallingBytes(apps, r.stats);
  Simulator::Destroy();
  return r;
}

}  // namespace mcx::scenarios
