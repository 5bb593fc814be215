// Off-network group call control (TS 24.379 10.2.2): probe / announce / join / merge / confirm
// among members on a fake host and a broadcast medium.
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "tests/support/fake_network.h"
#include "tests/support/monp_samples.h"
#include "mcx/procedures/offnet/group_call_control.h"
#include "mcx/security/naming_plan.h"

using namespace mcx::procedures;
using namespace mcx::codec;
using mcx::testing::Announcement;
using mcx::crypto::Bytes;
using mcx::crypto::ByteView;
using mcx::crypto::Error;

namespace {

// Members on a broadcast medium with a fixed one-way delay; `reach` says who hears whom.
struct Medium {
  mcx::testing::FakeNetwork net;
  double delay_s = 0.0365;
  struct Member {
    std::unique_ptr<GroupCallControl> control;
    std::vector<std::pair<GroupCallJoin, double>> joins;
    std::vector<std::string> accepts;
    uint32_t merges = 0;
  };
  std::vector<std::unique_ptr<Member>> members;
  std::function<bool(size_t, size_t)> reach = [](size_t, size_t) { return true; };
  uint64_t sent = 0, probes_on_air = 0, probe_answers_on_air = 0;
  uint64_t draws = 0;

  Medium() {
    // A broadcast medium: a datagram to the group reaches the members that `reach` allows.
    net.route_datagram = [this](mcx::testing::FakeHost& from, uint16_t, const mcx::testing::Endpoint&, const Bytes& b) {
      const size_t index = std::stoul(from.ip().substr(from.ip().rfind('.') + 1)) - 1;
      ++sent;
      auto m = DecodeMonpGroupCall(b);
      if (m && m->type == MonpType::kGroupCallProbe) ++probes_on_air;
      if (m && m->probe_response) ++probe_answers_on_air;
      net.After(delay_s, [this, index, b]() {
        for (size_t j = 0; j < members.size(); ++j)
          if (j != index && reach(index, j)) members[j]->control->Receive(b);
      });
    };
  }

  Member& Add(const std::string& user, bool confirm = false) {
    auto m = std::make_unique<Member>();
    Member* self = m.get();
    const size_t index = members.size();
    GroupCallConfig cfg;
    cfg.user_id = user;
    cfg.group_id = "sip:g@x";
    cfg.sdp = McpttSdp{"225.0.0.1", 49150, 49151, {}, {}};
    cfg.confirm_mode = confirm;
    mcx::testing::FakeHost& host = net.Add("10.0.0." + std::to_string(index + 1), index + 1);
    host.uniform = [this]() { return ((++draws * 7919) % 1000) / 1000.0; };  // spread, reproducible
    m->control = std::make_unique<GroupCallControl>(cfg, host);
    m->control->on_joined = [self](GroupCallJoin how, double s) { self->joins.emplace_back(how, s); };
    m->control->on_accept = [self](const std::string& u) { self->accepts.push_back(u); };
    m->control->on_merged = [self](uint16_t) { ++self->merges; };
    members.push_back(std::move(m));
    return *members.back();
  }
};

}  // namespace

TEST(GroupCallControl, ALoneMemberProbesOnTfg3ThenStartsTheCallAtTfg1) {
  Medium g;
  auto& a = g.Add("sip:a@x");
  a.control->Initiate();
  EXPECT_EQ(a.control->state(), GroupCallState::kS2WaitingForAnnouncement);
  g.net.RunUntil(0.149);
  EXPECT_EQ(a.control->probes_sent(), 4u);  // 0, 40, 80, 120 ms
  g.net.RunUntil(0.2);
  EXPECT_EQ(a.control->state(), GroupCallState::kS3PartOfCall);
  ASSERT_EQ(a.joins.size(), 1u);
  EXPECT_EQ(a.joins[0].first, GroupCallJoin::kOriginated);
  EXPECT_NEAR(a.joins[0].second, 0.150, 1e-9);
  EXPECT_EQ(a.control->announcements_sent(), 1u);
  g.net.RunUntil(60);  // periodic announcements every 10 s x U(2/3, 4/3)
  EXPECT_GE(a.control->announcements_sent(), 5u);
  EXPECT_LE(a.control->announcements_sent(), 10u);
}

TEST(GroupCallControl, MembersJoinOnTheAnnouncementAndALateOneOnItsProbe) {
  Medium g;
  auto& a = g.Add("sip:a@x");
  auto& b = g.Add("sip:b@x");
  auto& c = g.Add("sip:c@x");
  auto& late = g.Add("sip:late@x");
  g.reach = [](size_t from, size_t to) { return from != 3 && to != 3; };  // late is out of range
  a.control->Initiate();
  g.net.RunUntil(0.5);
  ASSERT_EQ(b.joins.size(), 1u);
  EXPECT_EQ(b.joins[0].first, GroupCallJoin::kJoined);
  EXPECT_EQ(c.control->call_id(), a.control->call_id());
  EXPECT_EQ(late.control->state(), GroupCallState::kS1StartStop);
  g.reach = [](size_t, size_t) { return true; };
  g.net.RunUntil(1.0);
  const uint64_t answersBefore = g.probe_answers_on_air;
  late.control->Initiate();
  g.net.RunUntil(1.5);
  ASSERT_EQ(late.joins.size(), 1u);
  EXPECT_EQ(late.joins[0].first, GroupCallJoin::kJoinedAfterProbe);
  EXPECT_LT(late.joins[0].second, 0.150);  // sooner than starting a call of its own
  EXPECT_GT(late.joins[0].second, 2 * g.delay_s);
  EXPECT_EQ(late.control->call_id(), a.control->call_id());
  // Three members could answer each probe; an answer heard restarts the others' TFG2, so fewer do.
  const uint64_t answers = g.probe_answers_on_air - answersBefore;
  EXPECT_GE(answers, 1u);
  EXPECT_LT(answers, 3 * late.control->probes_sent());
}

TEST(GroupCallControl, TwoCallsOfOneGroupMergeIntoTheEarlierOne) {
  Medium g;
  auto& a = g.Add("sip:a@x");
  auto& b = g.Add("sip:b@x");
  g.reach = [](size_t, size_t) { return false; };  // apart
  a.control->Initiate();
  g.net.RunUntil(2.5);
  b.control->Initiate();  // two seconds later: a later call start time
  g.net.RunUntil(3.0);
  ASSERT_NE(a.control->call_id(), b.control->call_id());
  g.reach = [](size_t, size_t) { return true; };  // in range of each other
  g.net.RunUntil(30);
  EXPECT_EQ(b.control->call_id(), a.control->call_id());
  EXPECT_EQ(b.merges, 1u);
  EXPECT_EQ(a.merges, 0u);
}

TEST(GroupCallControl, ConfirmModeBringsAnAcceptFromEachMember) {
  Medium g;
  auto& a = g.Add("sip:a@x", true);
  g.Add("sip:b@x");
  g.Add("sip:c@x");
  a.control->Initiate();
  g.net.RunUntil(1);
  EXPECT_EQ(a.accepts.size(), 2u);
  a.control->Release();
  EXPECT_EQ(a.control->state(), GroupCallState::kS1StartStop);
  EXPECT_FALSE(a.control->call_id().has_value());
}

TEST(GroupCallControl, OtherGroupsAndGarbageAreIgnored) {
  Medium g;
  auto& a = g.Add("sip:a@x");
  std::vector<std::string> errors;
  a.control->on_error = [&](const std::string& e) { errors.push_back(e); };
  MonpGroupCallMessage other = Announcement();
  other.group_id = "sip:other@x";
  a.control->Receive(Encode(other));
  EXPECT_EQ(a.control->state(), GroupCallState::kS1StartStop);
  a.control->Receive(Bytes{2, 0});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "monp_truncated");
}

TEST(GroupCallControl, AMemberOfTheEarlierCallAnswersALaterCallsAnnouncementAtOnce) {
  Medium g;
  auto& a = g.Add("sip:a@x");
  a.control->Initiate();
  g.net.RunUntil(1.0);
  const uint64_t before = a.control->announcements_sent();
  MonpGroupCallMessage later = Announcement();
  later.call_id = static_cast<uint16_t>(*a.control->call_id() + 1);
  later.call_start_time = mcx::security::naming::kEpochUnix + 100;  // started after a's call
  a.control->Receive(Encode(later));
  g.net.RunUntil(1.0 + 1.0 / 12);
  EXPECT_EQ(a.control->announcements_sent(), before + 1);
  EXPECT_EQ(a.merges, 0u);
  MonpGroupCallMessage earlier = later;
  earlier.call_start_time = 1789999000;  // and one that started before: a moves to it
  a.control->Receive(Encode(earlier));
  EXPECT_EQ(a.merges, 1u);
  EXPECT_EQ(a.control->call_id(), earlier.call_id);
}

TEST(GroupCallControl, AnAnnouncedRefreshIntervalOfZeroDoesNotMakeAnAnnouncementLoop) {
  // Found by tests/fuzz/offnet_state: a member adopting a call announced with refresh interval 0
  // re-announced with zero delay, forever, at one instant of simulated time.
  Medium g;
  auto& a = g.Add("sip:a@x");
  MonpGroupCallMessage forged = Announcement();
  forged.refresh_interval_ms = 0;
  a.control->Receive(Encode(forged));
  ASSERT_EQ(a.control->state(), GroupCallState::kS3PartOfCall);
  g.net.RunUntil(10.0);
  // At most one announcement per 2/3 of kMinRefreshIntervalMs, plus the answer to the call.
  EXPECT_LE(a.control->announcements_sent(), 10.0 / (kMinRefreshIntervalMs / 1000.0 * 2 / 3) + 2);
  EXPECT_GT(a.control->announcements_sent(), 10u);
}
