// ns-3 integration: on-network pre-arranged group calls (group-call) over the ideal network and
// LTE. Every member joins, voice decrypts at every member, floor control costs exactly the SRTCP
// overhead per message with security on and nothing with it off, and the call flow is the same.
#include <gtest/gtest.h>

#include <algorithm>

#include "mcx/scenarios/group_call/group_call.h"

using namespace mcx::scenarios;

namespace {

GroupCallParams Params(const std::string& access, const std::string& security) {
  GroupCallParams p;
  p.world.members = 5;
  p.world.access = access;
  p.duration_s = 40;
  p.contention = 1;  // a second press in every burst: queued, then granted or abandoned
  p.security = security;
  p.seeds.seed = 1;
  p.seeds.run = 2;
  return p;
}

uint64_t Count(const GroupCallResult& r, const std::string& dir, int field) {
  uint64_t n = 0;
  auto it = r.calls.floor_bytes.find(dir);
  if (it != r.calls.floor_bytes.end())
    for (const auto& [type, v] : it->second) n += v[field];
  return n;
}

}  // namespace

TEST(GroupCall, EveryMemberJoinsHearsVoiceAndFloorControlCostsTheSrtcpOverhead) {
  for (const std::string access : {"ideal", "lte"}) {
    const GroupCallResult on = RunGroupCall(Params(access, "on"));
    SCOPED_TRACE(access);
    EXPECT_EQ(on.members_in_call, 5u);
    EXPECT_TRUE(on.calls.errors.empty()) << on.calls.errors.begin()->first;
    EXPECT_GT(on.voice_frames_received, 100u);
    EXPECT_EQ(on.first_voice_ms.size(), 4u);  // every other member heard UE 0
    EXPECT_GT(on.setup_200ok_ms, 0);
    EXPECT_EQ(on.server.at("invites_answered"), 4u);
    EXPECT_EQ(on.server.at("media_dropped"), 0u);
    // Every talker talked until it let go: no floor was taken back for silence (T1) or length.
    EXPECT_EQ(on.server.at("t1_expiries"), 0u);
    EXPECT_EQ(on.server.at("t2_expiries"), 0u);
    // Each press the server granted ended as granted at its user, or crossed the user's release
    // (abandoned while the grant was on its way).
    const auto granted = std::count_if(on.calls.floor_events.begin(), on.calls.floor_events.end(), [](const FloorEvent& e) {
      return e.outcome == "granted" || e.outcome == "granted_after_queue";
    });
    EXPECT_GE(on.server.at("grants"), static_cast<uint64_t>(granted));
    // Contention: presses were queued or denied while another talked, and granted later.
    std::map<std::string, int> outcomes;
    for (const auto& e : on.calls.floor_events) ++outcomes[e.outcome];
    EXPECT_GE(outcomes["granted"], 1);  // UE 0, by the call set-up at least
    EXPECT_GT(outcomes["granted_after_queue"], 0);
    // SRTCP under the CSK: a 16-byte tag, the 4-byte index and the 4-byte CSK-ID MKI per message.
    for (const std::string dir : {"uplink", "downlink"}) {
      const uint64_t n = Count(on, dir, 0);
      EXPECT_GT(n, 0u) << dir;
      EXPECT_EQ(Count(on, dir, 2), Count(on, dir, 1) + 24 * n) << dir;
    }
    // The same call in clear: the same flow, no overhead.
    const GroupCallResult off = RunGroupCall(Params(access, "off"));
    EXPECT_EQ(off.members_in_call, 5u);
    EXPECT_TRUE(off.calls.errors.empty());
    EXPECT_EQ(Count(off, "downlink", 2), Count(off, "downlink", 1));
    EXPECT_EQ(Count(off, "uplink", 0), Count(on, "uplink", 0));
    EXPECT_EQ(off.calls.floor_events.size(), on.calls.floor_events.size());
  }
}

TEST(GroupCall, LateEntrantsJoinTheRunningCallAndHearTheTalkerOnceTheyHoldTheGmk) {
  GroupCallParams p = Params("ideal", "on");
  p.late = 2;
  p.activity = 0.95;  // someone talks when they come
  p.contention = 0;
  const GroupCallResult r = RunGroupCall(p);
  EXPECT_EQ(r.members_in_call, 5u);
  EXPECT_EQ(r.server.at("late_entries"), 2u);
  ASSERT_EQ(r.late_entry_call_ms.size(), 2u);
  // Affiliation accepted -> the server's INVITE -> answered: one one-way trip (7 ms) and a little.
  for (double ms : r.late_entry_call_ms) EXPECT_NEAR(ms, 7.1, 0.5);
  // It hears the talker once it holds the GMK too (the GMS sends it after the member's
  // SUBSCRIBE; frames that come before it cannot be opened: ue_media_unknown_mki).
  EXPECT_FALSE(r.late_entry_voice_ms.empty());
  for (double ms : r.late_entry_voice_ms) EXPECT_LT(ms, 350);  // TS 22.179 KPI 4
}

TEST(GroupCall, AFloodOfTheServersFloorPortIsRefusedPacketByPacketAndTheCallGoesOn) {
  GroupCallParams p = Params("ideal", "on");
  p.contention = 0;
  p.attack = "flood";
  p.flood_rate_pps = 500;
  const GroupCallResult r = RunGroupCall(p);
  EXPECT_EQ(r.members_in_call, 5u);
  EXPECT_GT(r.attack_sent, 10000u);
  ASSERT_EQ(r.calls.errors.size(), 1u);  // nothing else went wrong
  EXPECT_EQ(r.calls.errors.at("mcx_server_call_floor_unknown_sender"), r.attack_sent);
  for (const auto& e : r.calls.floor_events) EXPECT_EQ(e.outcome, "granted");
  EXPECT_GT(r.voice_frames_received, 100u);
}

TEST(GroupCall, AnEmergencyRequestPreemptsTheTalker) {
  GroupCallParams p = Params("ideal", "on");
  p.contention = 0;
  p.activity = 0.95;  // someone talks when it comes
  p.emergency_at_s = 10;
  const GroupCallResult r = RunGroupCall(p);
  EXPECT_EQ(r.server.at("preemptions"), 1u);
  EXPECT_GE(r.server.at("revokes"), 1u);
  bool granted = false;  // the emergency caller (the last member) got the floor after the revoke
  for (const auto& e : r.calls.floor_events)
    if (e.member == UeUri(4) && e.time_s > r.call_start_s + 10 && e.time_s < r.call_start_s + 10.1)
      granted = e.outcome == "granted_after_queue" || e.outcome == "granted";
  EXPECT_TRUE(granted);
  EXPECT_TRUE(r.calls.errors.empty());
}
