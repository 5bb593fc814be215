// Call-flow checking (registry/flows.h): messages classified from their bytes, a recorded private
// call matched against its expected sequence (retransmissions crossing the answer allowed), and
// deliberately broken flows reported as deviating, with the first deviation named.
#include <gtest/gtest.h>

#include "mcx/codec/floor.h"
#include "mcx/codec/monp.h"
#include "mcx/security/control_protection.h"
#include "mcx/scenarios/registry/flows.h"
#include "mcx/scenarios/shared/expected_flows.h"

namespace mcx::scenarios {
namespace {

std::string Monp(codec::MonpType type, uint16_t call_id) {
  codec::MonpPrivateCallMessage m;
  m.type = type;
  m.call_id = call_id;
  m.caller = "sip:alice@example.org";
  m.callee = "sip:bob@example.org";
  const crypto::Bytes b = codec::Encode(m);
  return std::string(b.begin(), b.end());
}

// A private call as the off-network scenario produces it: the setup request repeated on TFP1,
// one repeat crossing the accept, the accept repeated for it.
FlowRecorder PrivateCall(const std::vector<std::pair<codec::MonpType, bool>>& messages) {
  FlowRecorder r;
  double t = 1.0;
  for (const auto& [type, from_caller] : messages) {
    r.Add(t, from_caller ? "10.0.0.1" : "10.0.0.2", from_caller ? "10.0.0.2" : "10.0.0.1", codec::kMonpPort, Monp(type, 7));
    t += 0.04;
  }
  return r;
}

using T = codec::MonpType;

TEST(Flows, MessagesAreClassifiedFromTheirBytes) {
  auto invite = Classify(5060, "INVITE sip:g@x SIP/2.0\r\nCall-ID: abc@h\r\nCSeq: 1 INVITE\r\n\r\n");
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->protocol, "SIP");
  EXPECT_EQ(invite->id, "abc@h");
  EXPECT_EQ(invite->label, "INVITE");
  auto ok = Classify(5060, "SIP/2.0 200 OK\r\ni: abc@h\r\nCSeq: 1 INVITE\r\n\r\n");  // the compact Call-ID
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->label, "200 OK (INVITE)");
  EXPECT_EQ(ok->id, "abc@h");
  auto setup = Classify(codec::kMonpPort, Monp(T::kPrivateCallSetupRequest, 42));
  ASSERT_TRUE(setup);
  EXPECT_EQ(setup->label, "PRIVATE CALL SETUP REQUEST");
  EXPECT_EQ(setup->id, "private call 42");
  EXPECT_FALSE(Classify(49150, "\x80\x60 voice"));              // media: no flow
  EXPECT_FALSE(Classify(5060, "INVITE sip:g@x SIP/2.0\r\n\r\n"));  // no Call-ID
}

TEST(Flows, APrivateCallWithRetransmissionsConforms) {
  const auto flows = PrivateCall({{T::kPrivateCallSetupRequest, true},
                                  {T::kPrivateCallSetupRequest, true},  // TFP1: folded into one (x2)
                                  {T::kPrivateCallAccept, false},
                                  {T::kPrivateCallSetupRequest, true},  // crossed the accept
                                  {T::kPrivateCallAccept, false},
                                  {T::kPrivateCallRelease, true},
                                  {T::kPrivateCallReleaseAck, false}})
                         .Flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].messages.size(), 6u);
  EXPECT_EQ(flows[0].messages[0].copies, 2);
  auto v = CheckFlow(flows[0], OffnetPrivateCallFlow());
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->conforms) << v->deviation;
  EXPECT_NE(Mermaid(flows[0], "t").find("10.0.0.1->>10.0.0.2: PRIVATE CALL SETUP REQUEST (x2) at 1.000 s"),
            std::string::npos);
  EXPECT_NE(Ladder(flows[0], "t").find("10.0.0.2        --> 10.0.0.1         PRIVATE CALL ACCEPT"), std::string::npos);
}

TEST(Flows, BrokenPrivateCallsAreReportedWithTheirFirstDeviation) {
  // The callee accepts with a message the spec does not have at that point.
  auto v = CheckFlow(PrivateCall({{T::kPrivateCallSetupRequest, true}, {T::kPrivateCallReject, false}}).Flows()[0],
                     OffnetPrivateCallFlow());
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->conforms);
  EXPECT_EQ(v->deviation,
            "message 2: expected callee -> caller: PRIVATE CALL ACCEPT, got 10.0.0.2 -> 10.0.0.1: PRIVATE CALL REJECT");
  // The accept never comes.
  v = CheckFlow(PrivateCall({{T::kPrivateCallSetupRequest, true}}).Flows()[0], OffnetPrivateCallFlow());
  EXPECT_EQ(v->deviation, "the flow ended before callee -> caller: PRIVATE CALL ACCEPT");
  // The accept comes from the caller (the roles are bound by the first message).
  v = CheckFlow(PrivateCall({{T::kPrivateCallSetupRequest, true}, {T::kPrivateCallAccept, true}}).Flows()[0],
                OffnetPrivateCallFlow());
  EXPECT_EQ(v->deviation,
            "message 2: expected callee -> caller: PRIVATE CALL ACCEPT, got 10.0.0.1 -> 10.0.0.2: PRIVATE CALL ACCEPT");
  // A release acknowledged by the wrong side after the call ended.
  v = CheckFlow(PrivateCall({{T::kPrivateCallSetupRequest, true},
                             {T::kPrivateCallAccept, false},
                             {T::kPrivateCallRelease, true},
                             {T::kPrivateCallReleaseAck, false},
                             {T::kPrivateCallSetupRequest, false}})
                    .Flows()[0],
                OffnetPrivateCallFlow());
  EXPECT_EQ(v->deviation,
            "message 5 (10.0.0.2 -> 10.0.0.1: PRIVATE CALL SETUP REQUEST) comes after the expected sequence ended");
  // A spec for another first message does not apply.
  EXPECT_FALSE(CheckFlow(PrivateCall({{T::kPrivateCallAccept, false}}).Flows()[0], OffnetPrivateCallFlow()));
}

TEST(Flows, AnInviteDialogWithTryingRetransmissionsAndByeConforms) {
  FlowRecorder r;
  auto sip = [&](double t, const char* from, const char* to, const std::string& first, const char* cseq) {
    r.Add(t, from, to, 5060, first + "\r\nCall-ID: d1\r\nCSeq: " + cseq + "\r\n\r\n");
  };
  sip(1.0, "ue", "mcx", "INVITE sip:g@x SIP/2.0", "1 INVITE");
  sip(1.1, "mcx", "ue", "SIP/2.0 100 Trying", "1 INVITE");
  sip(1.2, "mcx", "ue", "SIP/2.0 200 OK", "1 INVITE");
  sip(1.7, "mcx", "ue", "SIP/2.0 200 OK", "1 INVITE");  // retransmitted before the ACK arrived
  sip(1.71, "ue", "mcx", "ACK sip:g@x SIP/2.0", "1 ACK");
  sip(1.8, "ue", "mcx", "ACK sip:g@x SIP/2.0", "1 ACK");  // its answer to the repeat
  sip(9.0, "mcx", "ue", "BYE sip:ue@x SIP/2.0", "2 BYE");
  sip(9.1, "ue", "mcx", "SIP/2.0 200 OK", "2 BYE");
  auto v = CheckFlow(r.Flows()[0], AutomaticInviteDialogFlow());
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->conforms) << v->deviation;
}

// On-network floor control, protected or not: each message's type reads from the RTCP header that
// SRTCP leaves in clear; a participant's flow with the server is split into the floor's busy
// periods at Floor Idle, and each is checked against the three openings TS 24.380 allows.
TEST(Flows, FloorExchangesReadThroughSrtcpSplitAtFloorIdleAndAreChecked) {
  security::StoredKey csk;
  csk.purpose = security::KeyPurpose::kCsk;
  csk.key_id = 0x21000001;
  csk.key = crypto::SecretBytes(crypto::Bytes(16, 0x42));
  csk.rand = crypto::Bytes(16, 0x17);
  auto protection = security::ControlProtection::ForCsk(csk);
  ASSERT_TRUE(protection.ok());
  auto wire = [&](const codec::FloorMessage& m, bool protect) {
    auto w = security::FloorToWire(protect ? &*protection : nullptr, m);
    EXPECT_TRUE(w.ok());
    return std::string(w->wire.begin(), w->wire.end());
  };
  const std::string ue = "10.0.1.1", other = "10.0.1.2", server = "10.0.0.1";
  auto label = Classify(kOnnetFloorPort, wire(codec::FloorGranted(2, 30, 1), true));
  ASSERT_TRUE(label);
  EXPECT_EQ(label->protocol, "Floor");
  EXPECT_EQ(label->label, "Floor Granted");
  EXPECT_FALSE(Classify(49151, wire(codec::FloorGranted(2, 30, 1), true)));  // not the floor port
  FlowRecorder r;
  // The participant asks for the idle floor, talks, releases (SRTCP under its CSK).
  r.Add(1.00, ue, server, kOnnetFloorPort, wire(codec::FloorRequest(1, 1), true));
  r.Add(1.01, server, ue, kOnnetFloorPort, wire(codec::FloorGranted(2, 30, 1), true));
  r.Add(1.02, server, other, kOnnetFloorPort, wire(codec::FloorTaken(2, "sip:ue@x", true, 1), false));
  r.Add(2.00, ue, server, kOnnetFloorPort, wire(codec::FloorRelease(1), true));
  r.Add(2.01, server, ue, kOnnetFloorPort, wire(codec::FloorIdle(2, 2), true));
  r.Add(2.01, server, other, kOnnetFloorPort, wire(codec::FloorIdle(2, 2), false));
  r.Add(2.41, server, ue, kOnnetFloorPort, wire(codec::FloorIdle(2, 2), true));  // repeated: same period
  r.Add(2.50, ue, server, kOnnetFloorPort, wire(codec::FloorRelease(1), true));    // T100 crossed the Idle
  r.Add(2.51, server, ue, kOnnetFloorPort, wire(codec::FloorIdle(2, 2), true));
  // The next period: the participant hears another talker, asks, is queued, lets go.
  r.Add(3.00, server, ue, kOnnetFloorPort, wire(codec::FloorTaken(2, "sip:other@x", true, 3), true));
  r.Add(3.50, ue, server, kOnnetFloorPort, wire(codec::FloorRequest(1, 1), true));
  r.Add(3.51, server, ue, kOnnetFloorPort, wire(codec::FloorQueuePositionInfo(2, 1, 1), true));
  r.Add(3.90, ue, server, kOnnetFloorPort, wire(codec::FloorRelease(1), true));
  r.Add(4.00, server, ue, kOnnetFloorPort, wire(codec::FloorIdle(2, 4), true));
  const auto flows = r.Flows();
  ASSERT_EQ(flows.size(), 3u);
  EXPECT_EQ(flows[0].id, "10.0.0.1 - 10.0.1.1 #1");
  EXPECT_EQ(flows[1].id, "10.0.0.1 - 10.0.1.2 #1");
  EXPECT_EQ(flows[2].id, "10.0.0.1 - 10.0.1.1 #2");
  ASSERT_EQ(flows[0].messages.size(), 6u);
  EXPECT_EQ(flows[0].messages[3].copies, 2);
  EXPECT_EQ(flows[0].messages[4].label, "Floor Release");
  for (const Flow& f : flows) {
    int applied = 0;
    for (const FlowSpec& spec : FloorBusyPeriodFlows())
      if (auto v = CheckFlow(f, spec)) {
        ++applied;
        EXPECT_TRUE(v->conforms) << f.id << ": " << v->deviation;
      }
    EXPECT_EQ(applied, 1) << f.id;
  }
  // A participant that sends what only the server may (Floor Granted), and a period that never
  // ends: both deviate, the first deviation named.
  FlowRecorder bad;
  bad.Add(1.0, ue, server, kOnnetFloorPort, wire(codec::FloorRequest(1, 1), true));
  bad.Add(1.1, server, ue, kOnnetFloorPort, wire(codec::FloorGranted(2, 30, 1), true));
  bad.Add(1.2, ue, server, kOnnetFloorPort, wire(codec::FloorGranted(1, 30, 1), true));
  bad.Add(5.0, server, other, kOnnetFloorPort, wire(codec::FloorTaken(2, "sip:ue@x", true, 1), true));
  const auto broken = bad.Flows();
  ASSERT_EQ(broken.size(), 2u);
  auto v = CheckFlow(broken[0], FloorBusyPeriodFlows()[0]);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->conforms);
  EXPECT_NE(v->deviation.find("message 3"), std::string::npos) << v->deviation;
  v = CheckFlow(broken[1], FloorBusyPeriodFlows()[2]);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->deviation, "the flow ended before server -> participant: Floor Idle");
}

}  // namespace
}  // namespace mcx::scenarios
