// ns-3 integration tests (small, seconds each): the group-rekey scenario over LTE and the ideal
// network with real SIP/HTTP bytes and real crypto on every link.
#include <gtest/gtest.h>

#include "mcx/scenarios/group_rekey/group_rekey.h"

namespace mcx::scenarios {
namespace {

GroupRekeyParams Small(const std::string& access, const std::string& transport) {
  GroupRekeyParams p;
  p.world.members = 5;
  p.rekeys = 2;
  p.world.access = access;
  p.world.transport = transport;
  p.seeds.run = 3;
  return p;
}

/// Every member stored every GMK the GMS sent (initial + rekeys), so they all hold the same ones.
void ExpectEveryoneHoldsEveryKey(const GroupRekeyResult& r) {
  ASSERT_EQ(r.rekey_gmk_ids.size(), r.params.rekeys + 1);
  ASSERT_EQ(r.keys_stored.size(), r.params.world.members);
  for (const auto& [member, keys] : r.keys_stored)
    for (uint32_t id : r.rekey_gmk_ids) EXPECT_EQ(keys.count(id), 1u) << member << " lacks " << id;
  size_t ok = 0;
  for (const auto& a : r.answers) ok += a.result == "ok";
  EXPECT_EQ(ok, r.params.world.members * (r.params.rekeys + 1));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.registered, r.params.world.members);
  EXPECT_EQ(r.csk_uploaded, r.params.world.members);
}

TEST(GroupRekeyLte, SipPushReachesEveryMember) {
  const GroupRekeyResult r = RunGroupRekey(Small("lte", "sip"));
  ExpectEveryoneHoldsEveryKey(r);
  for (const auto& a : r.answers) EXPECT_GT(a.latency_s, 0.010);  // at least the LTE round trips
}

TEST(GroupRekeyLte, HttpPullReachesEveryMember) { ExpectEveryoneHoldsEveryKey(RunGroupRekey(Small("lte", "http"))); }

TEST(GroupRekeyIdeal, SipOverTcpAndTwoGroups) {
  GroupRekeyParams p = Small("ideal", "sip");
  p.world.sip_tcp = true;
  p.world.groups = 2;
  const GroupRekeyResult r = RunGroupRekey(p);
  ASSERT_EQ(r.keys_stored.size(), 5u);
  size_t ok = 0;
  for (const auto& a : r.answers) ok += a.result == "ok";
  EXPECT_EQ(ok, 5u * 3);
  EXPECT_TRUE(r.errors.empty());
}

TEST(GroupRekeyIdeal, AMemberThatLeftDoesNotGetTheNewKey) {
  GroupRekeyParams p = Small("ideal", "sip");
  p.leave_before_last_rekey = true;
  const GroupRekeyResult r = RunGroupRekey(p);
  const uint32_t last = r.rekey_gmk_ids.back();
  const std::string leaver = UeUri(4);  // the group's last member leaves
  EXPECT_EQ(r.keys_stored.at(leaver).count(last), 0u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r.keys_stored.at(UeUri(i)).count(last), 1u);
}

TEST(GroupRekeyIdeal, AForgedGmkIsRejectedByEveryUeAndReported) {
  GroupRekeyParams p = Small("ideal", "sip");
  p.world.forged_gms = true;
  const GroupRekeyResult r = RunGroupRekey(p);
  EXPECT_TRUE(r.keys_stored.empty());
  EXPECT_EQ(r.errors.at("member_sender_not_authorised"), 5u * (p.rekeys + 1));
  EXPECT_EQ(r.errors.at("ue_sender_not_authorised"), 5u * (p.rekeys + 1));
}

TEST(GroupRekeyIdeal, MixingServerGetsEachGmkAndActivationWaits) {
  GroupRekeyParams p = Small("ideal", "sip");
  p.world.mixing = true;
  p.world.activation_delay_s = 1.0;
  const GroupRekeyResult r = RunGroupRekey(p);
  EXPECT_EQ(r.mcx_server_gmks, p.rekeys + 1);  // the initial GMK and each rekey
  EXPECT_EQ(r.keys_activated, 5u * (p.rekeys + 1));
  EXPECT_TRUE(r.errors.empty());
}

TEST(GroupRekeyLte, WalkingUesStillGetTheirKeys) {
  GroupRekeyParams p = Small("lte", "sip");
  p.world.ue_speed_mps = 3;
  p.rekeys = 1;
  ExpectEveryoneHoldsEveryKey(RunGroupRekey(p));
}

TEST(GroupRekeyIdeal, PeriodicRekeysByTheGms) {
  GroupRekeyParams p = Small("ideal", "sip");
  p.rekeys = 0;  // no scheduled rekeys: only the GMS's own period
  p.world.rekey_period_s = 2.0;
  p.rekey_start_s = 3.0;
  p.rekey_interval_s = 7.0;  // the run lasts 3 + 0 * 7 + 2 = 5 s: the GMS rekeys at 2 s and 4 s
  const GroupRekeyResult r = RunGroupRekey(p);
  EXPECT_EQ(r.rekey_gmk_ids.size(), 3u);  // initial + two periodic
  for (const auto& [member, keys] : r.keys_stored) EXPECT_EQ(keys.size(), 3u) << member;
}

TEST(GroupRekeyIdeal, SameSeedSameResult) {
  const GroupRekeyResult a = RunGroupRekey(Small("ideal", "http"));
  const GroupRekeyResult b = RunGroupRekey(Small("ideal", "http"));
  ASSERT_EQ(a.answers.size(), b.answers.size());
  for (size_t i = 0; i < a.answers.size(); ++i) {
    EXPECT_EQ(a.answers[i].member, b.answers[i].member);
    EXPECT_EQ(a.answers[i].gmk_id, b.answers[i].gmk_id);
    EXPECT_DOUBLE_EQ(a.answers[i].latency_s, b.answers[i].latency_s);
  }
  EXPECT_EQ(a.signalling_bytes, b.signalling_bytes);
  EXPECT_EQ(a.rekey_gmk_ids, b.rekey_gmk_ids);
  GroupRekeyParams other = Small("ideal", "http");
  other.seeds.run = 4;
  EXPECT_NE(RunGroupRekey(other).rekey_gmk_ids, a.rekey_gmk_ids);
}

}  // namespace
}  // namespace mcx::scenarios
