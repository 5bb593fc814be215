// SIP INVITE transactions and dialogs (RFC 3261 13, 17.1.1, 17.2.1, 9; RFC 6026) over UDP on the
// fake network: a call set up and ended, and what each timer recovers when a message is lost.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcx/procedures/transport/sip_dialog.h"
#include "mcx/procedures/transport/sip_stack.h"
#include "tests/support/fake_network.h"

namespace mcx::procedures {
namespace {

using crypto::Bytes;
using testing::FakeHost;
using testing::FakeNetwork;

// Two nodes, A (10.0.0.1) calling B (10.0.0.2); the network drops what `lose` says.
struct Call {
  FakeNetwork net;
  FakeHost& a = net.Add("10.0.0.1", 1);
  FakeHost& b = net.Add("10.0.0.2", 2);
  const Endpoint to_b{"10.0.0.2", 5060};
  // What crossed the network, as "A>B INVITE" / "B>A 180" lines, dropped ones marked "x".
  std::vector<std::string> wire;
  std::vector<std::string> texts;  ///< the messages themselves, as `wire`
  // Drops the n-th (1-based) message of this description, e.g. {"B>A 200", 1}.
  std::vector<std::pair<std::string, int>> lose;
  std::map<std::string, int> seen;

  // A's view.
  std::vector<int> provisional, finals;
  std::vector<std::string> to_tags;  ///< of every response A's user got but 100
  int retransmitted_2xx = 0;
  std::optional<SipMessage> invite_sent, ok;
  std::optional<SipDialog> a_dialog;
  std::string branch;
  // B's view.
  std::vector<std::string> b_requests;  ///< methods reaching B's handler
  std::optional<SipDialog> b_dialog;
  std::function<void(const Endpoint&, const SipMessage&)> b_answer;  ///< what B does with an INVITE
  double answer_after_s = 1.0;  ///< B's default user rings, then answers 200 this much later

  Call() {
    net.drop = [this](const Endpoint& from, const Endpoint& to, const std::string& text) {
      std::string what = text.substr(0, text.find(' '));
      if (what == "SIP/2.0") what = text.substr(8, 3);
      const std::string key = std::string(from.host == "10.0.0.1" ? "A>B " : "B>A ") + what;
      (void)to;
      const int n = ++seen[key];
      texts.push_back(text);
      for (const auto& [k, i] : lose)
        if (k == key && i == n) {
          wire.push_back(key + " x");
          return true;
        }
      wire.push_back(key);
      return false;
    };
    b.sip_handler = [this](const Endpoint& from, const SipMessage& m) {
      b_requests.push_back(m.Method());
      if (m.Method() == "INVITE" && b_answer) b_answer(from, m);
      if (m.Method() == "BYE") {
        EXPECT_TRUE(b_dialog && b_dialog->Owns(m) && b_dialog->TakeRemoteCSeq(m));
        b.sip().SendResponse(from, SipMessage::Response(200, "OK", m));
      }
    };
    // By default B rings, then answers 200 with its Contact after 1 s.
    b_answer = [this](const Endpoint& from, const SipMessage& invite) {
      const std::string tag = b.sip().NewToken();
      SipMessage ringing = SipMessage::Response(180, "Ringing", invite, tag);
      b.sip().SendResponse(from, ringing);
      b.Schedule(answer_after_s, [this, from, invite, tag] {
        SipMessage ok = SipMessage::Response(200, "OK", invite, tag);
        ok.SetContact("<sip:b@10.0.0.2:5060>");
        b_dialog = SipDialog::AsCallee(invite, ok);
        b.sip().SendResponse(from, ok);
      });
    };
  }

  SipMessage Invite() const {
    SipMessage inv = SipMessage::Request("INVITE", "sip:b@10.0.0.2");
    inv.SetFrom("<sip:a@example.org>;tag=a1");
    inv.SetTo("<sip:b@example.org>");
    inv.SetCallId("call-1");
    inv.SetCSeq(1, "INVITE");
    inv.SetContact("<sip:a@10.0.0.1:5060>");
    return inv;
  }

  // A calls; on the 2xx it builds its dialog and ACKs (again on each retransmitted 2xx).
  void Start() {
    a.Dispatch([this] {
      InviteHandlers h;
      h.provisional = [this](const SipMessage& r) {
        provisional.push_back(r.Status());
        if (r.Status() > 100) to_tags.push_back(r.ToTag());
      };
      h.final = [this](const SipMessage* r) {
        finals.push_back(r ? r->Status() : 0);
        if (r) to_tags.push_back(r->ToTag());
        if (r && r->Status() < 300) {
          ok = *r;
          a_dialog = SipDialog::AsCaller(Invite(), *r);
          ASSERT_TRUE(a_dialog.has_value());
          a.sip().SendAck(a_dialog->peer(), a_dialog->Ack(1));
        }
      };
      h.retransmitted_2xx = [this](const SipMessage&) {
        ++retransmitted_2xx;
        a.sip().SendAck(a_dialog->peer(), a_dialog->Ack(1));
      };
      branch = a.sip().SendInvite(to_b, Invite(), h);
    });
  }
  int Count(const std::string& line) const { return static_cast<int>(std::count(wire.begin(), wire.end(), line)); }
  /// The messages sent as `line` ("A>B ACK"), parsed.
  std::vector<SipMessage> Sent(const std::string& line) const {
    std::vector<SipMessage> out;
    for (size_t i = 0; i < wire.size(); ++i)
      if (wire[i] == line || wire[i] == line + " x")
        if (auto m = SipMessage::Parse(crypto::ByteView(texts[i]))) out.push_back(*m);
    return out;
  }
};

TEST(SipInvite, ACallIsSetUpAndEndedAndEveryTransactionEnds) {
  Call c;
  c.Start();
  c.net.RunUntil(5);
  EXPECT_EQ(c.wire, (std::vector<std::string>{"A>B INVITE", "B>A 100", "B>A 180", "B>A 200", "A>B ACK"}));
  EXPECT_EQ(c.provisional, (std::vector<int>{100, 180}));
  EXPECT_EQ(c.finals, std::vector<int>{200});
  EXPECT_EQ(c.b_requests, (std::vector<std::string>{"INVITE", "ACK"}));
  ASSERT_TRUE(c.a_dialog && c.b_dialog);
  EXPECT_EQ(c.a_dialog->call_id(), c.b_dialog->call_id());
  EXPECT_EQ(c.a_dialog->local_tag(), c.b_dialog->remote_tag());
  EXPECT_EQ(c.a_dialog->remote_tag(), c.b_dialog->local_tag());
  EXPECT_EQ(c.a_dialog->peer(), c.to_b);
  EXPECT_EQ(c.b_dialog->peer(), (Endpoint{"10.0.0.1", 5060}));
  // A hangs up: the BYE belongs to B's dialog, with the next CSeq.
  std::optional<int> bye_status;
  c.a.Dispatch([&] {
    SipMessage bye = c.a_dialog->Request("BYE");
    EXPECT_EQ(bye.CSeqNumber(), 2u);
    c.a.sip().SendRequest(c.a_dialog->peer(), bye, [&](const SipMessage* r) { bye_status = r ? r->Status() : 0; });
  });
  c.net.RunUntil(6);
  EXPECT_EQ(bye_status, 200);
  EXPECT_EQ(c.b_requests.back(), "BYE");
  EXPECT_EQ(c.a.sip().counters().retransmissions + c.b.sip().counters().retransmissions, 0u);
  c.net.RunUntil(6 + 64 * SipTimers{}.t1);
  EXPECT_EQ(c.a.sip().client_transactions(), 0u);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
  EXPECT_EQ(c.b.sip().counters().ack_timeouts, 0u);
}

TEST(SipInvite, TimerARetransmitsALostInviteAndBSeesItOnce) {
  Call c;
  c.lose = {{"A>B INVITE", 1}, {"A>B INVITE", 2}};
  c.Start();
  c.net.RunUntil(5);
  // Sent at 0, 0.5 (T1) and 1.5 (2 T1): the third copy arrives.
  EXPECT_EQ(c.Count("A>B INVITE x"), 2);
  EXPECT_EQ(c.Count("A>B INVITE"), 1);
  EXPECT_EQ(c.a.sip().counters().retransmissions, 2u);
  EXPECT_EQ(c.b_requests, (std::vector<std::string>{"INVITE", "ACK"}));
  EXPECT_EQ(c.finals, std::vector<int>{200});
}

TEST(SipInvite, AProvisionalResponseStopsTimerA) {
  // B's 100 Trying and 180 are lost: Timer A resends the INVITE at T1, which gets the last
  // provisional response again; from then on A resends nothing while B takes 8 s to answer.
  Call c;
  c.answer_after_s = 8;
  c.lose = {{"B>A 100", 1}, {"B>A 180", 1}};
  c.Start();
  c.net.RunUntil(7);
  EXPECT_EQ(c.Count("A>B INVITE"), 2);  // at 0 and T1; not at 1.5, 3.5 or 7.5 s
  EXPECT_EQ(c.Count("B>A 180"), 1);     // resent for the retransmitted INVITE
  EXPECT_EQ(c.b.sip().counters().retransmissions_absorbed, 1u);
  EXPECT_EQ(c.provisional, std::vector<int>{180});
  EXPECT_TRUE(c.finals.empty());
  c.net.RunUntil(10);
  EXPECT_EQ(c.Count("A>B INVITE"), 2);
  EXPECT_EQ(c.finals, std::vector<int>{200});
  EXPECT_EQ(c.b_requests, (std::vector<std::string>{"INVITE", "ACK"}));
}

TEST(SipInvite, ALost2xxOrItsAckIsRecoveredEndToEnd) {
  // 13.3.1.4: B retransmits its 2xx until the ACK comes; A ACKs every copy (RFC 6026 Accepted).
  Call c;
  c.lose = {{"B>A 200", 1}, {"A>B ACK", 1}};
  c.Start();
  c.net.RunUntil(10);
  EXPECT_EQ(c.Count("B>A 200 x"), 1);
  EXPECT_EQ(c.Count("B>A 200"), 2);  // at T1 and 2 T1 after the first
  EXPECT_EQ(c.finals, std::vector<int>{200});
  EXPECT_EQ(c.retransmitted_2xx, 1);
  EXPECT_EQ(c.Count("A>B ACK x"), 1);
  EXPECT_EQ(c.Count("A>B ACK"), 1);
  EXPECT_EQ(c.b_requests, (std::vector<std::string>{"INVITE", "ACK"}));  // the ACK once
  c.net.RunUntil(10 + 64 * SipTimers{}.t1);
  EXPECT_EQ(c.b.sip().counters().ack_timeouts, 0u);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
}

TEST(SipInvite, A2xxNeverAckedIsReportedAfter64T1) {
  Call c;
  for (int i = 1; i <= 20; ++i) c.lose.push_back({"A>B ACK", i});
  std::vector<std::string> timed_out;
  c.b.sip().SetAckTimeoutHandler([&](const SipMessage& ok) { timed_out.push_back(ok.CallId()); });
  c.Start();
  c.net.RunUntil(40);
  EXPECT_EQ(timed_out, std::vector<std::string>{"call-1"});
  EXPECT_EQ(c.b.sip().counters().ack_timeouts, 1u);
  // 2xx resent at T1, 2 T1, 4 T1, then every T2 until 64 T1: 0.5+1+2+4*7 = 31.5 s < 32 s.
  EXPECT_EQ(c.Count("B>A 200"), 1 + 10);
  EXPECT_EQ(c.retransmitted_2xx, 10);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
}

TEST(SipInvite, AFailureIsAckedByTheTransactionAndItsRetransmissionsAgain) {
  // 17.1.1.3 / 17.2.1: a 486 is ACKed hop by hop with the INVITE's branch; the first ACK lost,
  // Timer G resends the 486 and A's Completed transaction ACKs it again; B's handler never sees
  // these ACKs, and Timer I ends B's transaction T4 after the ACK.
  Call c;
  c.lose = {{"A>B ACK", 1}};
  c.b_answer = [&](const Endpoint& from, const SipMessage& invite) {
    c.b.sip().SendResponse(from, SipMessage::Response(486, "Busy Here", invite, c.b.sip().NewToken()));
  };
  c.Start();
  c.net.RunUntil(3);
  EXPECT_EQ(c.finals, std::vector<int>{486});
  EXPECT_EQ(c.Count("B>A 486"), 2);
  // 17.1.1.3: each ACK has the INVITE's branch, the 486's To tag, and the INVITE's CSeq number.
  const auto acks = c.Sent("A>B ACK");
  ASSERT_EQ(acks.size(), 2u);
  for (const auto& ack : acks) {
    EXPECT_EQ(ack.TopViaBranch(), c.branch);
    EXPECT_EQ(ack.ToTag(), c.to_tags.at(0));
    EXPECT_EQ(ack.CSeqNumber(), 1u);
    EXPECT_EQ(ack.CSeqMethod(), "ACK");
  }
  EXPECT_EQ(c.Count("A>B ACK x"), 1);
  EXPECT_EQ(c.Count("A>B ACK"), 1);
  EXPECT_EQ(c.b_requests, std::vector<std::string>{"INVITE"});
  EXPECT_EQ(c.a.sip().counters().retransmissions_absorbed, 1u);
  EXPECT_EQ(c.b.sip().server_transactions(), 1u);
  c.net.RunUntil(3 + SipTimers{}.t4);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
  EXPECT_EQ(c.a.sip().client_transactions(), 1u);  // Timer D: 32 s
  c.net.RunUntil(3 + SipTimers{}.timer_d);
  EXPECT_EQ(c.a.sip().client_transactions(), 0u);
  EXPECT_EQ(c.b.sip().counters().ack_timeouts, 0u);
}

TEST(SipInvite, TimerBEndsAnInviteNobodyAnswers) {
  Call c;
  for (int i = 1; i <= 10; ++i) c.lose.push_back({"A>B INVITE", i});
  c.Start();
  c.net.RunUntil(31.9);
  EXPECT_TRUE(c.finals.empty());
  c.net.RunUntil(33);
  EXPECT_EQ(c.finals, std::vector<int>{0});
  // Sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s (17.1.1.2: seven in all over UDP).
  EXPECT_EQ(c.Count("A>B INVITE x"), 7);
  EXPECT_EQ(c.a.sip().counters().timeouts, 1u);
  EXPECT_EQ(c.a.sip().client_transactions(), 0u);
}

TEST(SipInvite, CancelEndsARingingCallWith487) {
  // 9.1: A cancels at once; the CANCEL waits for a provisional response (the 100 Trying); B
  // answers it 200, ends the INVITE with 487 and tells its user; B's later 200 is not sent.
  Call c;
  std::vector<std::string> cancelled;
  c.b.sip().SetInviteEndedHandler([&](const SipMessage& invite, int status) {
    cancelled.push_back(invite.CallId() + " " + std::to_string(status));
  });
  std::optional<int> cancel_status;
  c.Start();
  c.a.Dispatch([&] {
    EXPECT_TRUE(c.a.sip().SendCancel(c.branch, [&](const SipMessage* r) { cancel_status = r ? r->Status() : 0; }));
  });
  c.net.RunUntil(5);
  EXPECT_EQ(c.wire, (std::vector<std::string>{"A>B INVITE", "B>A 100", "B>A 180", "A>B CANCEL", "B>A 200",
                                              "B>A 487", "A>B ACK"}));
  EXPECT_EQ(cancel_status, 200);
  EXPECT_EQ(c.finals, std::vector<int>{487});
  EXPECT_EQ(cancelled, std::vector<std::string>{"call-1 487"});
  // 8.2.6.2: the 487 has the To tag of the 180; so has the CANCEL's 200 (9.2).
  ASSERT_EQ(c.to_tags.size(), 2u);
  EXPECT_EQ(c.to_tags[0], c.to_tags[1]);
  const auto cancel_ok = c.Sent("B>A 200");
  ASSERT_EQ(cancel_ok.size(), 1u);
  EXPECT_EQ(cancel_ok[0].ToTag(), c.to_tags[0]);
  EXPECT_EQ(c.b_requests, std::vector<std::string>{"INVITE"});  // no CANCEL, no ACK to the user
  EXPECT_EQ(c.b.sip().counters().cancels_received, 1u);
  EXPECT_EQ(c.b.sip().counters().late_responses, 1u);  // the 200 one second later
  EXPECT_FALSE(c.a_dialog.has_value());
}

TEST(SipInvite, ACancelForNothingGets481AndOneAfterTheAnswerChangesNothing) {
  Call c;
  c.Start();
  c.net.RunUntil(5);  // answered and ACKed
  ASSERT_EQ(c.finals, std::vector<int>{200});
  EXPECT_FALSE(c.a.sip().SendCancel(c.branch, nullptr));  // Accepted: nothing to cancel
  // A forged CANCEL for a branch B never saw.
  std::optional<int> status;
  c.a.Dispatch([&] {
    SipMessage cancel = SipMessage::Request("CANCEL", "sip:b@10.0.0.2");
    cancel.SetFrom("<sip:a@example.org>;tag=a1");
    cancel.SetTo("<sip:b@example.org>");
    cancel.SetCallId("call-2");
    cancel.SetCSeq(1, "CANCEL");
    c.a.sip().SendRequest(c.to_b, cancel, [&](const SipMessage* r) { status = r ? r->Status() : 0; });
  });
  c.net.RunUntil(6);
  EXPECT_EQ(status, 481);
  EXPECT_EQ(c.b.sip().counters().unmatched, 1u);
  EXPECT_EQ(c.b.sip().counters().cancels_received, 0u);
  // A CANCEL of the answered INVITE (its own Via, as 9.1 builds it) reaches B's transaction: 200,
  // no 487, nothing for B's user.
  const std::string cancel = "CANCEL sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=" + c.branch +
                             "\r\nFrom: <sip:a@example.org>;tag=a1\r\nTo: <sip:b@example.org>\r\nCall-ID: call-1\r\n"
                             "CSeq: 1 CANCEL\r\n\r\n";
  c.a.Dispatch([&] { c.a.SendSip(c.to_b, Bytes(cancel.begin(), cancel.end()), false); });
  c.net.RunUntil(7);
  EXPECT_EQ(c.Count("B>A 487"), 0);
  EXPECT_EQ(c.b.sip().counters().cancels_received, 0u);
  EXPECT_EQ(c.b.sip().counters().unmatched, 1u);
  EXPECT_EQ(c.Sent("B>A 200").back().CSeqMethod(), "CANCEL");
  EXPECT_EQ(c.b_requests, (std::vector<std::string>{"INVITE", "ACK"}));
}

TEST(SipInvite, AnInviteItsUserNeverAnswersIsAnswered408AndForgotten) {
  // A user that drops an INVITE (or a forged one) must not make the stack keep it for good; the
  // user is told, and its later answer is not sent.
  Call c;
  c.b_answer = nullptr;
  std::vector<int> ended;
  c.b.sip().SetInviteEndedHandler([&](const SipMessage&, int status) { ended.push_back(status); });
  c.Start();
  c.net.RunUntil(SipTimers{}.timer_c - 1);
  EXPECT_TRUE(c.finals.empty());  // A waits: it had the 100 Trying
  EXPECT_EQ(c.b.sip().server_transactions(), 1u);
  c.net.RunUntil(SipTimers{}.timer_c + 1);
  EXPECT_EQ(c.finals, std::vector<int>{408});
  EXPECT_EQ(ended, std::vector<int>{408});
  EXPECT_EQ(c.b.sip().counters().invites_unanswered, 1u);
  c.net.RunUntil(SipTimers{}.timer_c + 1 + SipTimers{}.t4);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
}

TEST(SipInvite, AnInviteAnsweredOnlyProvisionallyIsCancelledAtTimerC) {
  // A peer that rings for ever (its own Timer C later than A's): A cancels at timer_c, B answers
  // the INVITE 487, which A's transaction ACKs and reports.
  Call c;
  SipTimers patient;
  patient.timer_c = 1000;
  c.b.UseSipStack(patient, false);
  c.b_answer = [&](const Endpoint& from, const SipMessage& invite) {
    c.b.sip().SendResponse(from, SipMessage::Response(180, "Ringing", invite, "b1"));
  };
  c.Start();
  c.net.RunUntil(SipTimers{}.timer_c + 1);
  EXPECT_EQ(c.finals, std::vector<int>{487});
  EXPECT_EQ((std::vector<int>{c.Count("A>B CANCEL"), c.Count("B>A 487"), c.Count("A>B ACK")}), (std::vector<int>{1, 1, 1}));
  c.net.RunUntil(SipTimers{}.timer_c + 2 * 64 * SipTimers{}.t1);
  EXPECT_EQ(c.a.sip().client_transactions(), 0u);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
  EXPECT_EQ(c.b.sip().counters().ack_timeouts, 0u);
}

TEST(SipInvite, ACancelledInviteWithNoFinalResponseEndsAfter64T1) {
  // 9.1: the peer answers the CANCEL but never the INVITE (its 487 lost every time).
  Call c;
  c.b_answer = [&](const Endpoint& from, const SipMessage& invite) {
    c.b.sip().SendResponse(from, SipMessage::Response(180, "Ringing", invite, "b1"));
  };
  for (int i = 1; i <= 20; ++i) c.lose.push_back({"B>A 487", i});
  std::optional<int> cancel_status;
  c.Start();
  c.net.RunUntil(1);
  c.a.Dispatch([&] {
    EXPECT_TRUE(c.a.sip().SendCancel(c.branch, [&](const SipMessage* r) { cancel_status = r ? r->Status() : 0; }));
    EXPECT_FALSE(c.a.sip().SendCancel(c.branch, nullptr));  // once
  });
  c.net.RunUntil(1 + 64 * SipTimers{}.t1 - 0.5);
  EXPECT_EQ(cancel_status, 200);
  EXPECT_TRUE(c.finals.empty());
  c.net.RunUntil(1 + 64 * SipTimers{}.t1 + 0.5);
  EXPECT_EQ(c.finals, std::vector<int>{0});
  EXPECT_EQ(c.a.sip().counters().timeouts, 1u);
  EXPECT_EQ(c.Count("A>B CANCEL"), 1);
}

TEST(SipInvite, OverTcpOnlyThe2xxIsResent) {
  // 17.1.1.2 / 17.2.1: no Timer A or G over a reliable transport, but a 2xx is retransmitted
  // until its ACK whatever the transport (13.3.1.4: the ACK is end to end and may be lost beyond
  // the first hop); a failure's lost ACK is not waited for (Timer H counts it).
  for (bool fail : {false, true}) {
    SCOPED_TRACE(fail ? "486" : "200");
    Call c;
    c.a.UseSipStack(SipTimers{}, true);
    c.b.UseSipStack(SipTimers{}, true);
    c.b.sip_handler = [&](const Endpoint& from, const SipMessage& m) {
      c.b_requests.push_back(m.Method());
      if (m.Method() != "INVITE") return;
      SipMessage r = SipMessage::Response(fail ? 486 : 200, fail ? "Busy Here" : "OK", m, "b1");
      r.SetContact("<sip:b@10.0.0.2:5060>");
      c.b.sip().SendResponse(from, r);
    };
    c.lose = {{fail ? "A>B ACK" : "A>B ACK", 1}};
    c.Start();
    c.net.RunUntil(40);
    EXPECT_EQ(c.Count("A>B INVITE"), 1);
    if (!fail) {
      EXPECT_EQ(c.Count("B>A 200"), 2);
      EXPECT_EQ(c.retransmitted_2xx, 1);
      EXPECT_EQ(c.b.sip().counters().ack_timeouts, 0u);
    } else {
      EXPECT_EQ(c.Count("B>A 486"), 1);
      EXPECT_EQ(c.b.sip().counters().ack_timeouts, 1u);
    }
    EXPECT_EQ(c.a.sip().client_transactions(), 0u);  // Timer D is 0
    EXPECT_EQ(c.b.sip().server_transactions(), 0u);
  }
}

TEST(SipInvite, InvitesTheStackCannotTakeAreRefusedWithoutState) {
  // No RFC 3261 branch: 400; the same request by another path (merged, 8.2.2.2): 482; more
  // transactions than allowed: 503. None reaches the user or is kept.
  Call c;
  c.b.sip().set_max_invite_transactions(2);
  c.b_answer = nullptr;
  auto invite = [](const std::string& branch, const std::string& call) {
    const std::string m = "INVITE sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=" + branch +
                          "\r\nFrom: <sip:a@x>;tag=a1\r\nTo: <sip:b@x>\r\nCall-ID: " + call +
                          "\r\nCSeq: 1 INVITE\r\nContact: <sip:a@10.0.0.1>\r\n\r\n";
    return Bytes(m.begin(), m.end());
  };
  for (const auto& [branch, call] : std::vector<std::pair<std::string, std::string>>{
           {"old-style", "c0"}, {"z9hG4bK1", "c1"}, {"z9hG4bK2", "c1"}, {"z9hG4bK3", "c3"}, {"z9hG4bK4", "c4"}}) {
    c.a.Dispatch([&, branch = branch, call = call] { c.a.SendSip(c.to_b, invite(branch, call), false); });
    c.net.RunUntil(c.net.now() + 0.1);
  }
  EXPECT_EQ(c.wire, (std::vector<std::string>{"A>B INVITE", "B>A 400", "A>B INVITE", "B>A 100", "A>B INVITE",
                                              "B>A 482", "A>B INVITE", "B>A 100", "A>B INVITE", "B>A 503"}));
  EXPECT_EQ(c.b.sip().counters().invites_refused, 3u);
  EXPECT_EQ(c.b_requests, (std::vector<std::string>{"INVITE", "INVITE"}));
  EXPECT_EQ(c.b.sip().server_transactions(), 2u);
}

TEST(SipDialog, OutOfOrderAndForeignRequestsAreNotTaken) {
  SipMessage invite = SipMessage::Request("INVITE", "sip:b@10.0.0.2");
  invite.SetFrom("<sip:a@x>;tag=a1");
  invite.SetTo("<sip:b@x>");
  invite.SetCallId("c1");
  invite.SetCSeq(5, "INVITE");
  invite.SetContact("<sip:a@10.0.0.1:5070>");
  SipMessage ok = SipMessage::Response(200, "OK", invite, "b1");
  ok.SetContact("<sip:b@10.0.0.2>");
  auto callee = SipDialog::AsCallee(invite, ok);
  auto caller = SipDialog::AsCaller(invite, ok);
  ASSERT_TRUE(callee && caller);
  EXPECT_EQ(callee->peer(), (Endpoint{"10.0.0.1", 5070}));
  EXPECT_EQ(caller->peer(), (Endpoint{"10.0.0.2", 5060}));
  SipMessage ack = caller->Ack(5);
  EXPECT_EQ(ack.CSeqNumber(), 5u);
  EXPECT_TRUE(callee->Owns(ack));
  SipMessage callee_bye = callee->Request("BYE");  // 12.2.1.1: From is ours, To the peer's
  EXPECT_EQ(callee_bye.FromTag(), "b1");
  EXPECT_EQ(callee_bye.ToTag(), "a1");
  EXPECT_EQ(callee_bye.RequestUri(), "sip:a@10.0.0.1:5070");
  EXPECT_EQ(callee_bye.CSeqNumber(), 1u);  // the callee's own CSeq space
  SipMessage bye = caller->Request("BYE");
  EXPECT_EQ(bye.FromTag(), "a1");
  EXPECT_EQ(bye.ToTag(), "b1");
  EXPECT_EQ(bye.CSeqNumber(), 6u);
  EXPECT_EQ(bye.RequestUri(), "sip:b@10.0.0.2");
  EXPECT_TRUE(callee->Owns(bye));
  EXPECT_TRUE(callee->TakeRemoteCSeq(bye));
  EXPECT_FALSE(callee->TakeRemoteCSeq(bye));  // 12.2.2: not above the last one: 500
  SipMessage other = bye;
  other.SetCallId("c2");
  EXPECT_FALSE(callee->Owns(other));
  // An INVITE without a From tag, or a 2xx without a To tag or a Contact, makes no dialog.
  SipMessage untagged = invite;
  untagged.SetFrom("<sip:a@x>");
  EXPECT_FALSE(SipDialog::AsCaller(untagged, ok).has_value());
  SipMessage no_contact = SipMessage::Response(200, "OK", invite, "b1");
  EXPECT_FALSE(SipDialog::AsCaller(invite, no_contact).has_value());
  SipMessage no_tag = SipMessage::Response(200, "OK", invite);
  no_tag.SetContact("<sip:b@10.0.0.2>");
  EXPECT_FALSE(SipDialog::AsCaller(invite, no_tag).has_value());
}

}  // namespace
}  // namespace mcx::procedures
