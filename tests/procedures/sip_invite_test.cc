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
  // Drops the n-th (1-based) message of this description, e.g. {"B>A 200", 1}.
  std::vector<std::pair<std::string, int>> lose;
  std::map<std::string, int> seen;

  // A's view.
  std::vector<int> provisional, finals;
  int retransmitted_2xx = 0;
  std::optional<SipMessage> invite_sent, ok;
  std::optional<SipDialog> a_dialog;
  std::string branch;
  // B's view.
  std::vector<std::string> b_requests;  ///< methods reaching B's handler
  std::optional<SipDialog> b_dialog;
  std::function<void(const Endpoint&, const SipMessage&)> b_answer;  ///< what B does with an INVITE

  Call() {
    net.drop = [this](const Endpoint& from, const Endpoint& to, const std::string& text) {
      std::string what = text.substr(0, text.find(' '));
      if (what == "SIP/2.0") what = text.substr(8, 3);
      const std::string key = std::string(from.host == "10.0.0.1" ? "A>B " : "B>A ") + what;
      (void)to;
      const int n = ++seen[key];
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
      b.Schedule(1.0, [this, from, invite, tag] {
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
      h.provisional = [this](const SipMessage& r) { provisional.push_back(r.Status()); };
      h.final = [this](const SipMessage* r) {
        finals.push_back(r ? r->Status() : 0);
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
  // B's 100 Trying arrives: A does not resend its INVITE while B takes 1 s to answer, and a
  // retransmitted INVITE (its 100 lost) gets the last provisional response again.
  Call c;
  c.lose = {{"B>A 100", 1}, {"B>A 180", 1}};
  c.Start();
  c.net.RunUntil(5);
  EXPECT_EQ(c.Count("A>B INVITE"), 2);  // Timer A fired once, at T1
  EXPECT_EQ(c.Count("B>A 180"), 1);     // resent for the retransmitted INVITE
  EXPECT_EQ(c.b.sip().counters().retransmissions_absorbed, 1u);
  EXPECT_EQ(c.provisional, std::vector<int>{180});
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
  c.b.sip().SetCancelHandler([&](const SipMessage& invite) { cancelled.push_back(invite.CallId()); });
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
  EXPECT_EQ(cancelled, std::vector<std::string>{"call-1"});
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
}

TEST(SipInvite, AnInviteItsUserNeverAnswersIsAnswered408AndForgotten) {
  // A user that drops an INVITE (or a forged one) must not make the stack keep it for good.
  Call c;
  c.b_answer = nullptr;
  c.Start();
  c.net.RunUntil(SipTimers{}.timer_c - 1);
  EXPECT_TRUE(c.finals.empty());  // A waits: it had the 100 Trying
  EXPECT_EQ(c.b.sip().server_transactions(), 1u);
  c.net.RunUntil(SipTimers{}.timer_c + 1);
  EXPECT_EQ(c.finals, std::vector<int>{408});
  EXPECT_EQ(c.b.sip().counters().invites_unanswered, 1u);
  c.net.RunUntil(SipTimers{}.timer_c + 1 + SipTimers{}.t4);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
}

TEST(SipInvite, AnInviteAnsweredOnlyProvisionallyIsCancelledAtTimerC) {
  // A peer that rings for ever (its 408 lost here): A cancels at timer_c and reports no answer.
  Call c;
  c.b_answer = [&](const Endpoint& from, const SipMessage& invite) {
    c.b.sip().SendResponse(from, SipMessage::Response(180, "Ringing", invite, "b1"));
  };
  for (int i = 1; i <= 20; ++i) c.lose.push_back({"B>A 408", i});
  c.Start();
  c.net.RunUntil(SipTimers{}.timer_c + 1);
  EXPECT_EQ(c.finals, std::vector<int>{0});
  EXPECT_EQ(c.Count("A>B CANCEL"), 1);
  EXPECT_EQ(c.a.sip().counters().timeouts, 1u);
  c.net.RunUntil(SipTimers{}.timer_c + 2 * 64 * SipTimers{}.t1);
  EXPECT_EQ(c.a.sip().client_transactions(), 0u);
  EXPECT_EQ(c.b.sip().server_transactions(), 0u);
  EXPECT_EQ(c.finals.size(), 1u);
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
  SipMessage bye = caller->Request("BYE");
  EXPECT_EQ(bye.CSeqNumber(), 6u);
  EXPECT_EQ(bye.RequestUri(), "sip:b@10.0.0.2");
  EXPECT_TRUE(callee->Owns(bye));
  EXPECT_TRUE(callee->TakeRemoteCSeq(bye));
  EXPECT_FALSE(callee->TakeRemoteCSeq(bye));  // 12.2.2: not above the last one: 500
  SipMessage other = bye;
  other.SetCallId("c2");
  EXPECT_FALSE(callee->Owns(other));
  // A 2xx without a To tag or a Contact makes no dialog.
  SipMessage no_contact = SipMessage::Response(200, "OK", invite, "b1");
  EXPECT_FALSE(SipDialog::AsCaller(invite, no_contact).has_value());
  SipMessage no_tag = SipMessage::Response(200, "OK", invite);
  no_tag.SetContact("<sip:b@10.0.0.2>");
  EXPECT_FALSE(SipDialog::AsCaller(invite, no_tag).has_value());
}

}  // namespace
}  // namespace mcx::procedures
