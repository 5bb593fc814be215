// ns-3 integration tests (small, seconds each): the group-rekey scenario over LTE and the ideal
// network with real SIP/HTTP bytes and real crypto on every link.
#include <gtest/gtest.h>

#include "mcx/scenarios/group_rekey/group_rekey.h"
#include "mcx/scenarios/registry/scenario.h"

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

// ---- Faults: every reachable member ends with the current GMK (issue: robustness) ----

namespace faults {

nlohmann::json RunRekey(ParamValues extra) {
  ParamValues v = {{"members", 5.0}, {"rekeys", 2.0}};
  for (auto& [k, x] : extra) v[k] = x;
  return FindScenario("group-rekey")->Run(v).metrics;
}

TEST(GroupRekeyFaults, SignallingLossIsOvercomeByRetransmissionsAndRetries) {
  const auto m = RunRekey({{"signalling-loss", 0.15}});
  EXPECT_EQ(m.at("members_rekeyed"), 5);
  EXPECT_TRUE(m.at("unreached_members").empty()) << m.at("unreached_members");
  EXPECT_TRUE(m.at("converged_ms").is_number());
  // Without the faults the same run converges at once: the loss is what cost the time.
  EXPECT_GT(m.at("converged_ms").get<double>(), RunRekey({}).at("converged_ms").get<double>());
}

TEST(GroupRekeyFaults, AGmsOutageLongerThanTimerFIsBridgedByTheGmsRetrying) {
  const auto m = RunRekey({{"gms-outage", std::vector<double>{5, 60}}});  // the rekeys at ~3.1 s and ~6.1 s
  EXPECT_EQ(m.at("members_rekeyed"), 5);
  EXPECT_TRUE(m.at("unreached_members").empty());
  EXPECT_GT(m.at("retries").value("gmk_notify", 0), 0);
  EXPECT_GT(m.at("errors").value("member_timeout", 0), 0);  // the GMS's record of the lost NOTIFYs
}

TEST(GroupRekeyFaults, AKmsUnreachableAtStartDelaysButDoesNotStopAnyone) {
  const auto m = RunRekey({{"kms-outage", std::vector<double>{0, 20}}});
  EXPECT_EQ(m.at("members_registered"), 5);
  EXPECT_EQ(m.at("members_rekeyed"), 5);  // the GMS ran the rekeys asked for while it waited
  EXPECT_GT(m.at("provisioning_ms").at("p50").get<double>(), 19000);
}

TEST(GroupRekeyFaults, MembersThatCannotBeReachedAreListedWithTheReason) {
  const auto m = RunRekey({{"kms-outage", std::vector<double>{0, 1000}}});
  EXPECT_EQ(m.at("members_rekeyed"), 0);
  ASSERT_EQ(m.at("unreached_members").size(), 5u);
  for (const auto& u : m.at("unreached_members")) EXPECT_EQ(u.at("reason"), "provisioning_kms_error") << u;
  EXPECT_GT(m.at("retries").value("kms_provisioning", 0), 5 * 6 - 1);  // every UE retried by the policy
}

TEST(GroupRekeyFaults, AMemberStillSettingUpWhenTheRunEndsSaysWhereItWas) {
  // The run ends 1 s after a 60 s KMS outage: every UE's second provisioning request (sent at
  // ~32 s, after the first timed out) is lost and still waiting for its timeout, so no UE has
  // failed or answered.
  const auto m = RunRekey({{"kms-outage", std::vector<double>{0, 60}}, {"drain", 1.0}});
  ASSERT_EQ(m.at("unreached_members").size(), 5u);
  for (const auto& u : m.at("unreached_members")) EXPECT_EQ(u.at("reason"), "run_ended_provisioning") << u;
  EXPECT_TRUE(m.at("converged_ms").is_null());
}

TEST(GroupRekeyFaults, HeavyLossOnEveryLinkConvergesGivenTime) {
  const auto m = RunRekey({{"signalling-loss", 0.2}, {"loss-on", std::string("all")}, {"drain", 400.0}});
  EXPECT_EQ(m.at("members_rekeyed"), 5);
  EXPECT_TRUE(m.at("unreached_members").empty()) << m.at("unreached_members");
}

}  // namespace faults

// ---- Attacks: every honest member refuses with the named check and keeps the current key ----

namespace attacks {

TEST(GroupRekeyAttacks, EachForgedGmkIsRefusedByItsCheckAndNobodyLosesTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"rogue", "sender_not_authorised"},         // signed by a user of the domain, not the GMS
      {"stale", "timestamp_out_of_window"},       // stamped a key period ago
      {"tampered", "signature_invalid"},          // the GMS's own message, one byte changed
  };
  for (const auto& [kind, check] : cases) {
    const auto m = faults::RunRekey({{"attack", std::string(kind)}});
    ASSERT_TRUE(m.at("attack").is_object()) << kind;
    EXPECT_EQ(m.at("attack").at("sent"), 5) << kind;
    EXPECT_EQ(m.at("attack").at("answers"), nlohmann::json({{check, 5}})) << kind;
    EXPECT_EQ(m.at("members_rekeyed"), 5) << kind;  // the GMS's keys still reach everyone
    EXPECT_TRUE(m.at("unreached_members").empty()) << kind;
  }
}

TEST(GroupRekeyAttacks, AReplayIsHarmlessAtOnceAndRefusedOutsideTheClockWindow) {
  // Soon after: the member already holds that (older) GMK, so it is accepted once more and changes
  // nothing; the current key stays the newer one.
  const auto soon = faults::RunRekey({{"attack", std::string("replay")}});
  EXPECT_EQ(soon.at("attack").at("answers"), nlohmann::json({{"ok", 5}}));
  EXPECT_EQ(soon.at("members_rekeyed"), 5);
  // Minutes later the T payload is out of the 300 s window.
  const auto late = faults::RunRekey({{"attack", std::string("replay")}, {"attack-at", 400.0}});
  EXPECT_EQ(late.at("attack").at("answers"), nlohmann::json({{"timestamp_out_of_window", 5}}));
}

}  // namespace attacks

}  // namespace
}  // namespace mcx::scenarios
