// On-network floor control (TS 24.380 clause 6): the floor control server and its participants on
// fake hosts, every message encoded, checked for its mandatory fields and decoded on the way, the
// timers firing on the fake clock. One test (or a few) per transition.
#include <map>
#include <memory>
#include <set>

#include <gtest/gtest.h>

#include "mcx/procedures/onnet/floor_control_server.h"
#include "mcx/procedures/onnet/onnet_floor_participant.h"
#include "tests/support/fake_network.h"

using namespace mcx::procedures;
namespace codec = mcx::codec;
using codec::FloorMessage;
using codec::FloorMsgType;

namespace {

// A call: the server on 10.0.0.1, participants on their own hosts, `delay_s` each way.
struct Call {
  mcx::testing::FakeNetwork net;
  double delay_s = 0.020;
  mcx::testing::FakeHost& server_host = net.Add("10.0.0.1", 1);
  FloorServerConfig server_cfg;
  std::unique_ptr<FloorControlServer> server;
  bool inactive = false;
  struct Member {
    std::string name;
    uint32_t ssrc = 0;
    mcx::testing::FakeHost* host = nullptr;
    std::unique_ptr<OnnetFloorParticipant> floor;
    std::vector<std::pair<FloorOutcome, double>> outcomes;
    std::vector<FloorMessage> received;  ///< from the server
    std::vector<FloorMessage> sent;
    bool drop_outgoing = false, drop_incoming = false;
    size_t Count(FloorMsgType t) const {
      size_t n = 0;
      for (const auto& m : received) n += m.type() == t;
      return n;
    }
    size_t CountSent(FloorMsgType t) const {
      size_t n = 0;
      for (const auto& m : sent) n += m.type() == t;
      return n;
    }
  };
  std::map<std::string, std::unique_ptr<Member>> members;

  // Every message crosses the wire: encoded, decoded, and it must carry its mandatory fields.
  static FloorMessage Wire(const FloorMessage& m) {
    EXPECT_TRUE(codec::Validate(m, false).ok()) << codec::FloorMsgTypeName(m.type());
    auto back = codec::Decode(codec::Encode(m));
    EXPECT_TRUE(back.ok());
    return *back;
  }

  void MakeServer() {
    FloorServerHooks hooks;
    hooks.send = [this](const std::string& to, const FloorMessage& m) {
      const FloorMessage w = Wire(m);
      net.After(delay_s, [this, to, w] {
        auto it = members.find(to);
        if (it == members.end() || it->second->drop_incoming) return;
        Member& mem = *it->second;
        mem.received.push_back(w);
        mem.host->Dispatch([&] { mem.floor->Receive(w); });
      });
    };
    hooks.on_inactive = [this] { inactive = true; };
    server = std::make_unique<FloorControlServer>(server_cfg, server_host, hooks);
  }

  Member& Add(const std::string& name, uint8_t priority = 1, OnnetFloorConfig cfg = {}) {
    if (!server) MakeServer();
    auto m = std::make_unique<Member>();
    Member* self = m.get();
    m->name = name;
    m->ssrc = 0x100 + static_cast<uint32_t>(members.size());
    m->host = &net.Add("10.0.1." + std::to_string(members.size() + 1), members.size() + 2);
    cfg.user_id = name;
    cfg.ssrc = m->ssrc;
    cfg.priority = priority;
    OnnetFloorHooks hooks;
    hooks.send = [this, self](const FloorMessage& msg) {
      const FloorMessage w = Wire(msg);
      self->sent.push_back(w);
      if (self->drop_outgoing) return;
      net.After(delay_s, [this, self, w] { server_host.Dispatch([&] { server->Receive(self->name, w); }); });
    };
    m->floor = std::make_unique<OnnetFloorParticipant>(cfg, *m->host, hooks);
    m->floor->on_outcome = [self](FloorOutcome o, double s) { self->outcomes.push_back({o, s}); };
    members[name] = std::move(m);
    server->AddParticipant(name, self->ssrc);
    return *self;
  }

  // Starts the call: `originator` made it with an implicit floor request (or nobody did).
  void Start(const std::string& originator = "", uint8_t priority = 1,
             uint16_t indicator = codec::kIndicatorNormal) {
    for (auto& [name, m] : members)
      m->floor->Start(name == originator ? FloorStart::kImplicitRequest : FloorStart::kNoRequest);
    server_host.Dispatch([&] {
      server->Start(originator.empty() ? std::nullopt : std::optional<std::string>(originator), priority, indicator);
    });
  }

  // One RTP packet from `from` now: relayed by the server to the others when permitted.
  void Media(Member& from) {
    const uint32_t ssrc = from.ssrc;
    const std::string name = from.name;
    net.After(delay_s, [this, ssrc, name] {
      bool relay = false;
      server_host.Dispatch([&] { relay = server->MediaReceived(name); });
      if (!relay) return;
      net.After(delay_s, [this, ssrc, name] {
        for (auto& [other, m] : members)
          if (other != name) m->floor->MediaReceived(ssrc);
      });
    });
  }
  // A talk burst: one packet every 20 ms from `from` over [start, end).
  void Talk(Member& from, double start_s, double end_s) {
    for (double t = start_s; t < end_s - 1e-9; t += 0.020) net.At(t, [this, &from] { Media(from); });
  }
  void Run(double until_s) { net.RunUntil(until_s); }
};

}  // namespace

// ---- G: Start-stop, Floor Idle ----

TEST(OnnetFloor, AnImplicitRequestGrantsTheOriginatorAndTellsTheOthersWhoTalks) {
  Call c;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  auto& d = c.Add("sip:d@x");
  c.Start("sip:a@x");
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kPendingRequest);  // T101 runs for the INVITE
  c.Run(0.1);
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorTaken);
  EXPECT_EQ(c.server->talker(), "sip:a@x");
  EXPECT_EQ(c.server->participant_state("sip:a@x"), TowardsParticipantState::kPermitted);
  EXPECT_EQ(c.server->participant_state("sip:b@x"), TowardsParticipantState::kNotPermittedFloorTaken);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasPermission);
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_EQ(a.outcomes[0].first, FloorOutcome::kGranted);
  EXPECT_NEAR(a.outcomes[0].second, c.delay_s, 1e-9);
  EXPECT_EQ(a.sent.size(), 0u);  // the INVITE was the request
  for (auto* m : {&b, &d}) {
    ASSERT_EQ(m->Count(FloorMsgType::kTaken), 1u);
    EXPECT_EQ(m->floor->talker(), "sip:a@x");
    EXPECT_EQ(m->received[0].U16(codec::FieldId::kPermissionToRequest), 1);
  }
  const auto granted = a.received.at(0);
  EXPECT_EQ(granted.type(), FloorMsgType::kGranted);
  EXPECT_EQ(granted.U16(codec::FieldId::kDuration), 30);  // all of T2
}

TEST(OnnetFloor, WithoutARequestTheFloorStartsIdleAndT4EndsAnIdleCall) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start();
  c.Run(1);
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorIdle);
  EXPECT_EQ(a.Count(FloorMsgType::kIdle), 1u);  // no acks asked: sent once, T7 not running
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
  c.Run(29.9);
  EXPECT_FALSE(c.inactive);
  c.Run(30.1);
  EXPECT_TRUE(c.inactive);  // T4 = 30 s
}

TEST(OnnetFloor, AFloorRequestInIdleIsGrantedAndAReleaseMakesItIdleAgain) {
  Call c;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  c.Start();
  c.Run(1);
  a.floor->PressPtt();
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kPendingRequest);
  c.Run(1.5);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasPermission);
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_NEAR(a.outcomes[0].second, 2 * c.delay_s, 1e-9);  // request there, Granted back
  EXPECT_EQ(b.floor->talker(), "sip:a@x");
  c.Talk(a, 1.5, 3.0);
  c.Run(3.0);
  a.floor->ReleasePtt();
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kPendingRelease);
  c.Run(3.5);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);  // Floor Idle ends it
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorIdle);
  EXPECT_EQ(b.Count(FloorMsgType::kIdle), 2u);
  EXPECT_TRUE(b.floor->talker().empty());
  EXPECT_EQ(a.CountSent(FloorMsgType::kRelease), 1u);
}

TEST(OnnetFloor, WhoHearsTheGrantedOutcomeMaySendMediaAlready) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start();
  c.Run(0.1);
  bool could_send = false;
  a.floor->on_outcome = [&](FloorOutcome, double) { could_send = a.floor->may_send_media(); };
  a.floor->PressPtt();
  c.Run(0.5);
  EXPECT_TRUE(could_send);
}

TEST(OnnetFloor, AloneInTheCallARequestIsDeniedWithCause3) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Start();
  c.Run(0.1);
  a.floor->PressPtt();
  c.Run(0.5);
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_EQ(a.outcomes[0].first, FloorOutcome::kDenied);
  EXPECT_EQ(a.received.back().RejectCause(), codec::kDenyOnlyOneParticipant);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
}

// ---- participant timers ----

TEST(OnnetFloor, T101RepeatsTheRequestC101TimesThenTheRequestFails) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start();
  c.Run(0.1);
  a.drop_outgoing = true;  // the server never hears it
  a.floor->PressPtt();
  c.Run(2.95);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kPendingRequest);
  c.Run(3.2);
  EXPECT_EQ(a.CountSent(FloorMsgType::kRequest), 3u);
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_EQ(a.outcomes[0].first, FloorOutcome::kFailed);
  EXPECT_NEAR(a.outcomes[0].second, 3.0, 1e-9);  // C101 x T101
  // It gives back a floor the server may have granted (its answers lost): Floor Release, T100.
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kPendingRelease);
  EXPECT_EQ(a.CountSent(FloorMsgType::kRelease), 1u);
  c.Run(6.2);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
}

TEST(OnnetFloor, AGrantWhoseAnswersWereLostIsGivenBack) {
  Call c;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  c.Start();
  c.Run(0.1);
  a.drop_incoming = true;  // the server grants, a never hears it
  a.floor->PressPtt();
  c.Run(3.2);  // C101 requests, each answered by a Floor Granted a does not hear; then a release
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorIdle);  // freed at once, not after T1 (4 s)
  a.drop_incoming = false;
  c.Run(4.2);  // T100 repeats the release at 4.1 s; the server answers Floor Idle
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
  EXPECT_TRUE(b.floor->talker().empty());
}

TEST(OnnetFloor, T100RepeatsTheReleaseC100TimesThenGivesUp) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start("sip:a@x");
  c.Run(0.5);
  a.drop_outgoing = true;
  a.floor->ReleasePtt();  // at 0.5 s: sent then, and again at 1.5 s and 2.5 s
  c.Run(3.45);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kPendingRelease);
  c.Run(3.55);
  EXPECT_EQ(a.CountSent(FloorMsgType::kRelease), 3u);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
}

TEST(OnnetFloor, ReleasingPttBeforeTheAnswerAbandonsTheRequest) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start();
  c.Run(0.1);
  a.floor->PressPtt();
  a.floor->ReleasePtt();
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_EQ(a.outcomes[0].first, FloorOutcome::kAbandoned);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kPendingRelease);
  c.Run(1);
  // The server granted the request, then took the release: the floor is idle and a knows it.
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorIdle);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
}

// ---- queueing ----

TEST(OnnetFloor, ARequestWhileTakenIsQueuedAndGrantedOnReleaseWithoutAFloorIdle) {
  Call c;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  auto& d = c.Add("sip:d@x");
  c.Start("sip:a@x");
  c.Talk(a, 0.1, 2.0);
  c.Run(0.5);
  b.floor->PressPtt();
  c.Run(0.6);
  d.floor->PressPtt();
  c.Run(1.0);
  EXPECT_EQ(b.floor->state(), OnnetFloorState::kQueued);
  EXPECT_EQ(b.floor->queue_position(), 1);
  EXPECT_EQ(d.floor->queue_position(), 2);
  EXPECT_EQ(c.server->queue(), (std::vector<std::string>{"sip:b@x", "sip:d@x"}));
  c.Run(2.0);
  a.floor->ReleasePtt();
  c.Run(2.5);
  EXPECT_EQ(c.server->talker(), "sip:b@x");
  EXPECT_EQ(b.floor->state(), OnnetFloorState::kHasPermission);
  ASSERT_EQ(b.outcomes.size(), 1u);
  EXPECT_EQ(b.outcomes[0].first, FloorOutcome::kGrantedAfterQueue);
  EXPECT_NEAR(b.outcomes[0].second, 2.0 - 0.5 + 2 * c.delay_s, 1e-9);
  EXPECT_EQ(d.floor->state(), OnnetFloorState::kQueued);
  EXPECT_EQ(d.floor->talker(), "sip:b@x");
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
  for (auto* m : {&a, &b, &d}) EXPECT_EQ(m->Count(FloorMsgType::kIdle), 0u);
  EXPECT_EQ(c.server->counters().queued_grants, 1u);
}

TEST(OnnetFloor, TheQueueRunsHighestPriorityFirstThenFirstCome) {
  Call c;
  c.server_cfg.preemption = false;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x", 1);
  auto& d = c.Add("sip:d@x", 1);
  auto& e = c.Add("sip:e@x", 3);
  c.Start("sip:a@x");
  c.Run(0.2);
  b.floor->PressPtt();
  c.Run(0.3);
  d.floor->PressPtt();
  c.Run(0.4);
  e.floor->PressPtt();
  c.Run(0.6);
  EXPECT_EQ(c.server->queue(), (std::vector<std::string>{"sip:e@x", "sip:b@x", "sip:d@x"}));
  EXPECT_EQ(e.floor->queue_position(), 1);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasPermission);  // no pre-emption
}

TEST(OnnetFloor, AFullQueueDeniesWithCause7AndWithoutQueueingWithCause1) {
  Call c;
  c.server_cfg.max_queue = 1;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  auto& d = c.Add("sip:d@x");
  c.Start("sip:a@x");
  c.Run(0.2);
  b.floor->PressPtt();
  d.floor->PressPtt();
  c.Run(0.5);
  EXPECT_EQ(b.floor->state(), OnnetFloorState::kQueued);
  ASSERT_EQ(d.outcomes.size(), 1u);
  EXPECT_EQ(d.outcomes[0].first, FloorOutcome::kDenied);
  EXPECT_EQ(d.received.back().RejectCause(), codec::kDenyQueueFull);

  Call q;
  q.server_cfg.queueing = false;
  q.Add("sip:a@x");
  auto& y = q.Add("sip:b@x");
  q.Start("sip:a@x");
  q.Run(0.2);
  y.floor->PressPtt();
  q.Run(0.5);
  EXPECT_EQ(y.received.back().RejectCause(), codec::kDenyAnotherHasPermission);
  EXPECT_EQ(y.floor->state(), OnnetFloorState::kHasNoPermission);
  (void)a;
}

TEST(OnnetFloor, LeavingTheQueueAnswersWithFloorTaken) {
  Call c;
  c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  c.Start("sip:a@x");
  c.Run(0.2);
  b.floor->PressPtt();
  c.Run(0.5);
  b.floor->ReleasePtt();
  EXPECT_EQ(b.floor->state(), OnnetFloorState::kPendingRelease);
  c.Run(0.8);
  EXPECT_TRUE(c.server->queue().empty());
  EXPECT_EQ(b.floor->state(), OnnetFloorState::kHasNoPermission);
  EXPECT_EQ(b.received.back().type(), FloorMsgType::kTaken);
  EXPECT_EQ(b.outcomes.at(0).first, FloorOutcome::kAbandoned);
}

TEST(OnnetFloor, AQueuedParticipantAsksItsPositionAndT104GivesUpAfterC104) {
  Call c;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  auto& d = c.Add("sip:d@x");
  c.Start("sip:a@x");
  c.Talk(a, 0.1, 6.0);  // keeps a's floor past T1
  c.Run(0.2);
  b.floor->PressPtt();
  c.Run(0.3);
  d.floor->PressPtt();
  c.Run(0.6);
  d.floor->RequestQueuePosition();
  c.Run(0.8);
  EXPECT_EQ(d.Count(FloorMsgType::kQueuePositionInfo), 2u);
  EXPECT_EQ(d.floor->queue_position(), 2);
  d.drop_incoming = true;  // the answers are lost
  d.floor->RequestQueuePosition();  // at 0.8 s, again on T104 at 1.8 s and 2.8 s
  c.Run(3.9);
  EXPECT_EQ(d.CountSent(FloorMsgType::kQueuePositionRequest), 4u);  // 1 answered + C104 = 3
  ASSERT_EQ(d.outcomes.size(), 1u);
  EXPECT_EQ(d.outcomes[0].first, FloorOutcome::kFailed);
  EXPECT_EQ(d.CountSent(FloorMsgType::kRelease), 1u);
  // Its Floor Taken answer is lost, but a's media ends 'U: pending Release'.
  EXPECT_EQ(d.floor->state(), OnnetFloorState::kHasNoPermission);
  EXPECT_EQ(c.server->queue(), (std::vector<std::string>{"sip:b@x"}));  // its Release left the queue
}

TEST(OnnetFloor, AQueuedGrantWaitsT132ForTheUserWhoReleasedPtt) {
  OnnetFloorConfig stay;
  stay.stay_queued_on_release = true;
  for (bool accept : {true, false}) {
    Call c;
    auto& a = c.Add("sip:a@x");
    auto& b = c.Add("sip:b@x", 1, stay);
    c.Start("sip:a@x");
    c.Run(0.2);
    b.floor->PressPtt();
    c.Run(0.4);
    b.floor->ReleasePtt();  // stays queued
    EXPECT_EQ(b.floor->state(), OnnetFloorState::kQueued);
    a.floor->ReleasePtt();
    c.Run(1.0);
    EXPECT_EQ(b.floor->state(), OnnetFloorState::kQueued);  // Granted, T132 running
    if (accept) {
      b.floor->PressPtt();
      EXPECT_EQ(b.floor->state(), OnnetFloorState::kHasPermission);
      EXPECT_EQ(b.outcomes.at(0).first, FloorOutcome::kGrantedAfterQueue);
    } else {
      c.Run(3.0);  // T132 = 2 s after the Granted at 0.46 s
      EXPECT_EQ(b.outcomes.at(0).first, FloorOutcome::kAbandoned);
      EXPECT_EQ(b.CountSent(FloorMsgType::kRelease), 1u);
      EXPECT_EQ(c.server->state(), FloorServerState::kFloorIdle);
      EXPECT_EQ(b.floor->state(), OnnetFloorState::kHasNoPermission);
    }
  }
}

// ---- pre-emption and revoke ----

TEST(OnnetFloor, AHigherPriorityPreemptsTheTalkerWithRevokeCause4) {
  Call c;
  auto& a = c.Add("sip:a@x", 1);
  auto& b = c.Add("sip:b@x", 1);
  auto& e = c.Add("sip:e@x", 5);
  c.Start("sip:a@x");
  c.Talk(a, 0.1, 5.0);
  c.Run(1.0);
  e.floor->PressPtt();
  c.Run(1.5);
  EXPECT_EQ(a.floor->revokes(), 1u);
  EXPECT_EQ(a.floor->last_revoke_cause(), codec::kRevokePreempted);
  EXPECT_EQ(c.server->talker(), "sip:e@x");
  EXPECT_EQ(e.floor->state(), OnnetFloorState::kHasPermission);
  EXPECT_NEAR(e.outcomes.at(0).second, 4 * c.delay_s, 1e-9);  // request, revoke, release, grant
  EXPECT_EQ(b.floor->talker(), "sip:e@x");
  EXPECT_EQ(c.server->counters().preemptions, 1u);
  // a's media after its release is not relayed; the server answers it with Floor Revoke #3.
  c.Run(2.0);
  EXPECT_GT(c.server->counters().media_without_permission, 0u);
}

TEST(OnnetFloor, AnEmergencyRequestPreemptsAnEqualPriorityNormalTalker) {
  Call c;
  auto& a = c.Add("sip:a@x", 1);
  OnnetFloorConfig emergency;
  emergency.indicator = codec::kIndicatorNormal | codec::kIndicatorEmergency;
  auto& e = c.Add("sip:e@x", 1, emergency);
  auto& b = c.Add("sip:b@x", 1);
  c.Start("sip:a@x");
  c.Run(0.5);
  b.floor->PressPtt();  // equal priority, normal: queued
  e.floor->PressPtt();
  c.Run(1.0);
  EXPECT_EQ(c.server->talker(), "sip:e@x");
  EXPECT_EQ(c.server->queue(), (std::vector<std::string>{"sip:b@x"}));
  EXPECT_EQ(a.floor->last_revoke_cause(), codec::kRevokePreempted);
}

TEST(OnnetFloor, T2RevokesATooLongTalkBurstWithCause2) {
  Call c;
  c.server_cfg.t2_s = 5.0;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start("sip:a@x");
  c.Talk(a, 0.1, 10.0);
  c.Run(5.0);
  EXPECT_EQ(a.floor->revokes(), 0u);
  c.Run(5.3);  // T2 runs from the first media at 0.12 s
  EXPECT_EQ(a.floor->last_revoke_cause(), codec::kRevokeMediaBurstTooLong);
  EXPECT_EQ(c.server->counters().t2_expiries, 1u);
  c.Run(5.5);
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorIdle);  // a released at once
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
}

TEST(OnnetFloor, ARevokedTalkerThatDoesNotReleaseLosesTheFloorAfterT3WithRevokesOnT8) {
  Call c;
  auto& a = c.Add("sip:a@x", 1);
  auto& e = c.Add("sip:e@x", 5);
  c.Start("sip:a@x");
  c.Talk(a, 0.1, 8.0);
  c.Run(1.0);
  a.drop_outgoing = true;  // its Release never arrives (its media still does: Talk bypasses it)
  e.floor->PressPtt();  // the server revokes a at 1.02 s
  c.Talk(e, 4.2, 12.0);
  c.Run(4.0);
  EXPECT_EQ(c.server->state(), FloorServerState::kPendingFloorRevoke);
  EXPECT_EQ(e.floor->state(), OnnetFloorState::kQueued);  // first in the queue
  c.Run(4.1);
  EXPECT_EQ(c.server->counters().t3_expiries, 1u);
  EXPECT_EQ(c.server->talker(), "sip:e@x");
  size_t preempted = 0;  // at T3 = 3 s, T8 = 1 s: sent, +1 s, +2 s
  for (const auto& m : a.received) preempted += m.type() == FloorMsgType::kRevoke && m.RejectCause() == codec::kRevokePreempted;
  EXPECT_EQ(preempted, 3u);
  EXPECT_EQ(e.floor->state(), OnnetFloorState::kHasPermission);
  // a keeps talking: its media is dropped and revoked with #3 on T8 while it goes on.
  c.Run(8.0);
  EXPECT_EQ(c.server->participant_state("sip:a@x"), TowardsParticipantState::kNotPermittedSendsMedia);
  c.Run(10.0);  // its media stopped at 8 s: Floor Taken again
  EXPECT_EQ(c.server->participant_state("sip:a@x"), TowardsParticipantState::kNotPermittedFloorTaken);
  EXPECT_EQ(a.received.back().type(), FloorMsgType::kTaken);
}

// ---- server timers T1, T20, T7 and acks ----

TEST(OnnetFloor, T1FreesTheFloorOfASilentTalker) {
  Call c;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  c.Start("sip:a@x");
  c.Run(3.9);
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorTaken);
  c.Run(4.1);
  EXPECT_EQ(c.server->counters().t1_expiries, 1u);
  EXPECT_EQ(c.server->state(), FloorServerState::kFloorIdle);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasNoPermission);
  EXPECT_TRUE(b.floor->talker().empty());
  // Without media or acks, T20 repeated Floor Granted until C20 (1 + 2 repeats).
  EXPECT_EQ(a.Count(FloorMsgType::kGranted), 3u);
}

TEST(OnnetFloor, MediaStopsT20AndAnAckDoesTooWhenAsked) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start("sip:a@x");
  c.Talk(a, 0.1, 3.0);
  c.Run(3.0);
  EXPECT_EQ(a.Count(FloorMsgType::kGranted), 1u);

  Call k;
  k.server_cfg.request_acks = true;
  auto& x = k.Add("sip:a@x");
  auto& y = k.Add("sip:b@x");
  k.Start("sip:a@x");
  k.Run(3.0);
  EXPECT_EQ(x.Count(FloorMsgType::kGranted), 1u);
  EXPECT_TRUE(x.received[0].ack_requested());
  EXPECT_EQ(x.CountSent(FloorMsgType::kAck), 1u);
  EXPECT_EQ(x.sent[0].AcknowledgedType(), FloorMsgType::kGranted);
  (void)y;
}

TEST(OnnetFloor, T7RepeatsFloorIdleOnlyToThoseThatDidNotAcknowledge) {
  Call c;
  c.server_cfg.request_acks = true;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  b.drop_outgoing = true;  // b's acks are lost
  c.Start();
  c.Run(20);
  EXPECT_EQ(a.Count(FloorMsgType::kIdle), 1u);
  EXPECT_EQ(b.Count(FloorMsgType::kIdle), 10u);  // C7
  EXPECT_EQ(b.CountSent(FloorMsgType::kAck), 10u);
}

// ---- late entry, broadcast, leaving ----

TEST(OnnetFloor, ALateEntrantIsToldWhoTalks) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start("sip:a@x");
  c.Talk(a, 0.1, 5.0);
  c.Run(2.0);
  auto& late = c.Add("sip:late@x");
  late.floor->Start(FloorStart::kNoRequest);
  c.Run(2.1);
  ASSERT_EQ(late.received.size(), 1u);
  EXPECT_EQ(late.received[0].type(), FloorMsgType::kTaken);
  EXPECT_EQ(late.floor->talker(), "sip:a@x");
  EXPECT_EQ(c.server->participant_state("sip:late@x"), TowardsParticipantState::kNotPermittedFloorTaken);
}

TEST(OnnetFloor, InABroadcastCallOnlyTheOriginatorTalks) {
  Call c;
  c.server_cfg.broadcast = true;
  c.server_cfg.indicator = codec::kIndicatorBroadcast;
  auto& a = c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x", 9);
  c.Start("sip:a@x");
  c.Run(0.5);
  EXPECT_EQ(b.received.at(0).U16(codec::FieldId::kPermissionToRequest), 0);
  b.floor->PressPtt();
  c.Run(1.0);
  EXPECT_EQ(b.outcomes.at(0).first, FloorOutcome::kDenied);
  EXPECT_EQ(b.received.back().RejectCause(), codec::kDenyReceiveOnly);
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kHasPermission);  // priority 9 pre-empts nothing
}

TEST(OnnetFloor, ATalkerLeavingTheCallHandsTheFloorToTheQueue) {
  Call c;
  c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x");
  c.Add("sip:d@x");
  c.Start("sip:a@x");
  c.Run(0.2);
  b.floor->PressPtt();
  c.Run(0.5);
  c.server_host.Dispatch([&] { c.server->RemoveParticipant("sip:a@x"); });
  c.Run(0.6);
  EXPECT_EQ(c.server->talker(), "sip:b@x");
  EXPECT_EQ(b.floor->state(), OnnetFloorState::kHasPermission);
}

TEST(OnnetFloor, MessagesOutsideACallOrFromStrangersAreDiscarded) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.server_host.Dispatch([&] { c.server->Receive("sip:a@x", codec::FloorRequest(1, 1)); });
  c.server_host.Dispatch([&] { c.server->Receive("sip:nobody@x", codec::FloorRequest(1, 1)); });
  EXPECT_EQ(c.server->counters().discarded, 2u);
  EXPECT_EQ(c.server->state(), FloorServerState::kStartStop);
  c.Start();
  c.server_host.Dispatch([&] { c.server->Receive("sip:a@x", codec::FloorIdle(1, 0)); });
  EXPECT_EQ(c.server->counters().discarded, 3u);  // Floor Idle has no procedure at the server
  // A participant outside a call ignores everything.
  a.floor->Stop();
  a.floor->Receive(codec::FloorGranted(1, 30, 1));
  EXPECT_EQ(a.floor->state(), OnnetFloorState::kStartStop);
}

TEST(OnnetFloor, StoppingTheCallAbandonsAPendingRequestAndCancelsEveryTimer) {
  Call c;
  auto& a = c.Add("sip:a@x");
  c.Add("sip:b@x");
  c.Start();
  c.Run(0.1);
  a.drop_outgoing = true;
  a.floor->PressPtt();
  a.floor->Stop();
  c.server_host.Dispatch([&] { c.server->Stop(); });
  EXPECT_EQ(a.host->live_timers(), 0u);  // T101 (and T103) cancelled
  EXPECT_EQ(c.server_host.live_timers(), 0u);  // T4 cancelled
  c.Run(60);
  EXPECT_EQ(a.outcomes.at(0).first, FloorOutcome::kAbandoned);
  EXPECT_EQ(a.CountSent(FloorMsgType::kRequest), 1u);
  EXPECT_FALSE(c.inactive);
}

TEST(OnnetFloor, WithoutPreemptionAnEmergencyRequestQueuesAheadOfHigherNormalPriorities) {
  Call c;
  c.server_cfg.preemption = false;
  c.Add("sip:a@x");
  auto& b = c.Add("sip:b@x", 9);
  OnnetFloorConfig emergency;
  emergency.indicator = codec::kIndicatorNormal | codec::kIndicatorEmergency;
  auto& e = c.Add("sip:e@x", 1, emergency);
  c.Start("sip:a@x");
  c.Run(0.2);
  b.floor->PressPtt();
  c.Run(0.3);
  e.floor->PressPtt();
  c.Run(0.6);
  EXPECT_EQ(c.server->queue(), (std::vector<std::string>{"sip:e@x", "sip:b@x"}));
}
