// The on-to-off transition (issue 7 part 4): keys acquired on-network through the simulated KMS
// and GMS, used off-network over the sidelink, a rekey while members are away, catching up.
#include <gtest/gtest.h>

#include "mcx/scenarios/on_off_transition/on_off_transition.h"

using namespace mcx::scenarios;

namespace {

// Four members; ue0 leaves at 5 s (before the rekey at 8 s), ue1 at 11 s (after it); both are
// back at 30 s. ue2 and ue3 stay in coverage.
OnOffTransitionParams Small() {
  OnOffTransitionParams p;
  p.world.members = 4;
  p.seeds.run = 3;
  p.away = 2;
  p.leave_s = 5;
  p.leave_stagger_s = 6;
  p.rekeys_s = {8};
  p.return_s = 30;
  p.end_s = 40;
  p.ptt_mean_interval_s = 2;
  return p;
}

uint64_t Sum(const std::map<std::string, uint64_t>& m) {
  uint64_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

}  // namespace

TEST(OnOffTransition, AMemberAwayDuringTheRekeyHoldsAStaleKeyAndCatchesUpOnReturn) {
  const OnOffTransitionResult r = RunOnOffTransition(Small());
  ASSERT_EQ(r.members.size(), 4u);
  const MemberTransition &early = r.members[0], &late = r.members[1];
  // ue0 held the old GMK from the rekey until shortly after it came back.
  ASSERT_TRUE(early.catch_up_ms.has_value());
  EXPECT_GT(*early.catch_up_ms, 0.0);
  EXPECT_LT(*early.catch_up_ms, 1000.0);  // REGISTER, SUBSCRIBE, NOTIFY with the GMK
  EXPECT_NEAR(early.stale_key_ms, (30.0 - 8.0) * 1000.0 + *early.catch_up_ms, 1.0);
  EXPECT_TRUE(early.current_at_end);
  // ue1 left with the new GMK: it sends under it, and ue0 cannot open those messages.
  EXPECT_LT(late.stale_key_ms, 1000.0);
  EXPECT_EQ(*late.catch_up_ms, 0.0);
  EXPECT_GT(early.undecryptable, 0u);
  EXPECT_EQ(early.undecryptable, early.undecryptable_by_reason.at("unknown_mki"));
  EXPECT_EQ(late.undecryptable, 0u);  // it still holds the old GMK: ue0's messages open
  for (int i : {2, 3}) {
    EXPECT_FALSE(r.members[i].away);
    EXPECT_LT(r.members[i].stale_key_ms, 1000.0);
    EXPECT_EQ(r.members[i].without_usable_gmk_ms, 0.0);
  }
  // ue0, alone off-network, started the call; ue1 got into it by the announcement or its probe, or,
  // when the answer to its probe came after TFG1 (150 ms against two PC5 hops and up to 83 ms of
  // answer delay), started its own and then merged into ue0's earlier one.
  auto count = [&](const char* how) {
    auto it = r.offnet.group_call_setup_ms.find(how);
    return it == r.offnet.group_call_setup_ms.end() ? size_t{0} : it->second.size();
  };
  EXPECT_EQ(count("originated") + count("joined") + count("joined_after_probe"), 2u);
  EXPECT_GE(count("originated"), 1u);
  EXPECT_EQ(count("merged"), count("originated") - 1);
  // The off-network call ran under keys from the on-network GMS, and the GMS has every answer.
  EXPECT_GT(r.offnet.floor_messages, 10u);
  EXPECT_GT(r.offnet.mouth_to_ear_ms.size(), 0u);
  EXPECT_EQ(r.rekey_answers.at("ok"), 4u);
  EXPECT_TRUE(r.errors.empty());
}

TEST(OnOffTransition, WithAnActivationDelayTheMembersAwayAgreeUntilTheNewKeyActivates) {
  OnOffTransitionParams p = Small();
  p.world.activation_delay_s = 10;  // rekey at 8 s, active at 18 s
  const OnOffTransitionResult r = RunOnOffTransition(p);
  // The group's current key is the new one from 18 s on: ue0 misses it until its return.
  EXPECT_NEAR(r.members[0].stale_key_ms, (30.0 - 18.0) * 1000.0 + *r.members[0].catch_up_ms, 1.0);
  EXPECT_EQ(r.members[1].stale_key_ms, 0.0);  // held before it became current
  EXPECT_EQ(r.members[2].stale_key_ms, 0.0);
  const OnOffTransitionResult noDelay = RunOnOffTransition(Small());
  EXPECT_LT(r.members[0].undecryptable, noDelay.members[0].undecryptable);
}

TEST(OnOffTransition, AnExpiredGmkStopsTheMemberAwayUntilItReturns) {
  OnOffTransitionParams p = Small();
  p.key_lifetime_s = 12;     // the first GMK expires at 12 s, the rekeyed one at 20 s
  p.rekeys_s = {8, 19, 25};  // in coverage, a new key is always there in time
  p.end_s = 36;              // before the last key expires (37 s)
  const OnOffTransitionResult r = RunOnOffTransition(p);
  const MemberTransition& early = r.members[0];
  // ue0 holds only the first GMK: nothing usable from its expiry (12 s) until it catches up.
  EXPECT_NEAR(early.without_usable_gmk_ms, (30.0 - 12.0) * 1000.0 + *early.catch_up_ms, 1.0);
  EXPECT_GT(early.no_active_gmk + Sum(early.undecryptable_by_reason), 0u);
  // ue1 left at 11 s with the 8 s key (valid until 20 s) and missed the 19 s one.
  EXPECT_NEAR(r.members[1].without_usable_gmk_ms, (30.0 - 20.0) * 1000.0 + *r.members[1].catch_up_ms, 1.0);
  for (int i : {2, 3}) EXPECT_EQ(r.members[i].without_usable_gmk_ms, 0.0);
  EXPECT_TRUE(early.current_at_end);
}

TEST(OnOffTransition, RejectsATimelineThatCannotHappen) {
  OnOffTransitionParams p = Small();
  p.return_s = 10;  // ue1 would leave at 11 s, after the return
  EXPECT_THROW(RunOnOffTransition(p), std::invalid_argument);
  p = Small();
  p.world.access = "lte";
  EXPECT_THROW(RunOnOffTransition(p), std::invalid_argument);
}

TEST(OnOffTransition, OneSeedGivesOneResultEvenAfterOtherRuns) {
  const OnOffTransitionResult a = RunOnOffTransition(Small());
  const OnOffTransitionResult b = RunOnOffTransition(Small());
  ASSERT_EQ(a.members.size(), b.members.size());
  for (size_t i = 0; i < a.members.size(); ++i) {
    EXPECT_EQ(a.members[i].stale_key_ms, b.members[i].stale_key_ms);
    EXPECT_EQ(a.members[i].undecryptable, b.members[i].undecryptable);
  }
  EXPECT_EQ(a.offnet.floor_messages, b.offnet.floor_messages);
  EXPECT_EQ(a.offnet.mouth_to_ear_ms, b.offnet.mouth_to_ear_ms);
}
