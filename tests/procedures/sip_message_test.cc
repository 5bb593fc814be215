#include "mcx/procedures/transport/sip_message.h"

#include "tests/support/fake_network.h"

#include <gtest/gtest.h>
#include <osipparser2/osip_port.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace mcx::models {

using crypto::ByteView;
using crypto::Bytes;
using procedures::SipMessage;
namespace {

TEST(SipMessage, RequestWithMultipartBodyRoundTrips) {
  SipMessage r = SipMessage::Request("REGISTER", "sip:mcx.example.org");
  r.AddVia("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1234");
  r.SetFrom("<sip:alice@example.org>;tag=abc");
  r.SetTo("<sip:alice@example.org>");
  r.SetCallId("call-1@10.0.0.5");
  r.SetCSeq(7, "REGISTER");
  r.SetContact("<sip:alice@10.0.0.5:5060>");
  r.SetHeader("Expires", "3600");
  const Bytes mikey{0x01, 0x1a, 0x00, 0x05, 0xff, 0x00, 0x0a};  // binary, with NULs
  r.AddBody("application/vnd.3gpp.mcptt-info+xml", ByteView("<mcpttinfo/>"), "info1@example.net");
  r.AddBody("application/mikey", mikey);
  const Bytes wire = r.Serialize();
  auto p = SipMessage::Parse(wire);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->IsRequest());
  EXPECT_EQ(p->Method(), "REGISTER");
  EXPECT_EQ(p->RequestUri(), "sip:mcx.example.org");
  EXPECT_EQ(p->FromTag(), "abc");
  EXPECT_EQ(p->FromUri(), "sip:alice@example.org");
  EXPECT_EQ(p->CSeqNumber(), 7u);
  EXPECT_EQ(p->TopViaBranch(), "z9hG4bK1234");
  EXPECT_EQ(p->ContactUri(), "sip:alice@10.0.0.5:5060");
  EXPECT_EQ(*p->Header("Expires"), "3600");
  auto parts = p->Bodies();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(*p->Body("application/mikey"), mikey);
  const std::string info = "<mcpttinfo/>";
  EXPECT_EQ(*p->Body("application/vnd.3gpp.mcptt-info+xml"), Bytes(info.begin(), info.end()));
  // A part's Content-ID comes back without its angle brackets (what a signature names, F.6);
  // a part without one has none.
  EXPECT_EQ(parts[0].content_id, "info1@example.net");
  EXPECT_EQ(parts[1].content_id, "");
  const std::string text(wire.begin(), wire.end());
  EXPECT_NE(text.find("Content-ID: <info1@example.net>\r\n"), std::string::npos);
}

TEST(SipMessage, ResponseCopiesTheTransactionHeaders) {
  SipMessage r = SipMessage::Request("NOTIFY", "sip:alice@10.0.0.5:5060");
  r.AddVia("SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKn1");
  r.SetFrom("<sip:gms@example.org>;tag=g1");
  r.SetTo("<sip:alice@example.org>;tag=a1");
  r.SetCallId("sub-1");
  r.SetCSeq(2, "NOTIFY");
  r.SetHeader("Event", "xcap-diff");
  r.AddBody("application/vnd.oma.poc.groups+xml", ByteView("<group/>"));
  auto p = SipMessage::Parse(r.Serialize());
  ASSERT_TRUE(p.ok());
  SipMessage ok = SipMessage::Response(488, "Not Acceptable Here", *p);
  ok.SetHeader("Warning", "399 mcx \"sender_not_authorised\"");
  auto q = SipMessage::Parse(ok.Serialize());
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->IsRequest());
  EXPECT_EQ(q->Status(), 488);
  EXPECT_EQ(q->Method(), "NOTIFY");
  EXPECT_EQ(q->CallId(), "sub-1");
  EXPECT_EQ(q->TopViaBranch(), "z9hG4bKn1");
  EXPECT_EQ(q->ToTag(), "a1");
  EXPECT_NE(q->Header("Warning")->find("sender_not_authorised"), std::string::npos);
  EXPECT_FALSE(SipMessage::Parse(ByteView("not sip at all")).ok());
}

// libosip2's allocations, counted through its allocator hooks: what is live after a message was
// parsed and destroyed is what libosip2 leaked.
long g_live = 0;
void* CountingMalloc(size_t n) {
  void* p = std::malloc(n);
  if (p) ++g_live;
  return p;
}
void* CountingRealloc(void* p, size_t n) {
  void* q = std::realloc(p, n);
  if (!p && q) ++g_live;
  return q;
}
void CountingFree(void* p) {
  if (!p) return;
  --g_live;
  std::free(p);
}
class CountOsipAllocations {
 public:
  CountOsipAllocations() {
    (void)SipMessage::Parse(ByteView("OPTIONS sip:x SIP/2.0\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n"));  // init
    g_live = 0;
    osip_set_allocators(&CountingMalloc, &CountingRealloc, &CountingFree);
  }
  ~CountOsipAllocations() { osip_set_allocators(nullptr, nullptr, nullptr); }
  long live() const { return g_live; }
};

Bytes Wire(const std::string& body_text, const std::string& boundary = "b1") {
  std::string m = "MESSAGE sip:mcx@example.org SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n"
                  "From: <sip:a@example.org>;tag=1\r\nTo: <sip:b@example.org>\r\n"
                  "Call-ID: c1\r\nCSeq: 1 MESSAGE\r\n"
                  "Content-Type: multipart/mixed;boundary=" + boundary + "\r\n"
                  "Content-Length: " + std::to_string(body_text.size()) + "\r\n\r\n" + body_text;
  return Bytes(m.begin(), m.end());
}

TEST(SipMessage, MimePartWithTwoContentTypesIsRefusedAndNothingLeaks) {
  // libosip2 5.3's osip_body_set_contenttype overwrites a part's Content-Type without freeing
  // the first: such a part leaked on every parse. We refuse it before libosip2 sees it.
  const std::vector<std::string> bodies = {
      "--b1\r\nContent-Type: application/mikey\r\nContent-Type: text/plain\r\n\r\nXYZ\r\n--b1--\r\n",
      "--b1\r\ncontent-type: a/b\r\nX-Other: 1\r\nCONTENT-TYPE: c/d\r\n\r\nXYZ\r\n--b1--\r\n",
      "--b1\r\nContent-Type: a/b\r\n\r\nfirst\r\n--b1\r\nContent-Type: a/b\r\nContent-TypeX: c/d\r\n\r\nXYZ\r\n--b1--\r\n",
      "--b1\nContent-Type: a/b\nContent-Type: c/d\n\nXYZ\n--b1--\n",                 // LF only
      "--b1 Content-Type: a/b\r\nContent-Type: c/d\r\n\r\nXYZ\r\n--b1--\r\n",        // on the boundary's line
      "--b1\r\nContent-Type: a/b\r\nContent-Type\r\n : c/d\r\n\r\nXYZ\r\n--b1--\r\n",  // folded
  };
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    CountOsipAllocations count;
    {
      auto p = SipMessage::Parse(Wire(body));
      ASSERT_FALSE(p.ok());
      EXPECT_EQ(p.error(), crypto::Error::kUnsupportedValue);
    }
    EXPECT_EQ(count.live(), 0);
  }
}

TEST(SipMessage, OnlyWhatWritesBackAndParsesAgainIsTaken) {
  // Found by tests/fuzz/sip_message (corpus finding-*): libosip2 parsed each of these, then wrote
  // no bytes (a status code outside 100-699, RFC 3261 7.2; a MIME part's Content-Type parameter
  // without a value) or bytes it does not parse (the Contact "ip:>v" written as "<ip:>v>"), or
  // bytes it writes differently once read again: a server relaying them would send what nobody
  // can read.
  const std::string head = "From: <sip:a@example.org>;tag=1\r\nTo: <sip:b@example.org>\r\nCall-ID: c1\r\n";
  const std::vector<std::string> refused = {
      "SIP/2.0 7 Odd\r\n" + head + "CSeq: 1 MESSAGE\r\n\r\n",
      "SIP/2.0 700 Odd\r\n" + head + "CSeq: 1 MESSAGE\r\n\r\n",
      "SIP/2.0 200 OK\r\nm: ip:>v\r\n" + head + "CSeq: 1 MESSAGE\r\n\r\n",
      // 8.1.1.5: a CSeq number below 2^31 in digits, and a request's CSeq method its own.
      "MESSAGE sip:b@example.org SIP/2.0\r\n" + head + "CSeq: 4294967297 MESSAGE\r\n\r\n",
      "MESSAGE sip:b@example.org SIP/2.0\r\n" + head + "CSeq: 2147483648 MESSAGE\r\n\r\n",
      "MESSAGE sip:b@example.org SIP/2.0\r\n" + head + "CSeq: -1 MESSAGE\r\n\r\n",
      "INVITE sip:b@example.org SIP/2.0\r\n" + head + "CSeq: 1 BYE\r\n\r\n",
      "MESSAGE sip:b@example.org SIP/2.0\r\n" + head +
          "CSeq: 1 MESSAGE\r\nContent-Type: multipart/mixed;boundary=b1\r\n\r\n"
          "--b1\r\nContent-Type: n/m;ey\r\n\r\nX\r\n--b1--\r\n",
      // Written as "Content-Type: \x03: multipart/d;...", which parses but is written again as
      // "Content-Type: Content-Length: 0", which does not parse: what is written must be written
      // the same way a second time.
      std::string("R si:10 SIP/\rCall-ID:0\nCSeq:1 1\n\x03:multipart/d;boundary=mcx-paart/d;boundarrt\r"
                  "content-type:n/m;ey\n\rf\n--mcx-part--"),
      // "Content-Type" in the reason phrase and a compact "C:" header: written, the "C:" becomes
      // "Content-Type:" and the start line would count as a second one.
      std::string("SIP/2.0 200 OKcf: z.examptag=srvContent-Type: 0\r\nCall-ID: c0.0.0.2\r\nCSeq: \x9b 1\n"
                  "C:multipart/boundary=mcx-par\n"),
  };
  for (const auto& m : refused) {
    SCOPED_TRACE(m);
    CountOsipAllocations count;
    {
      auto p = SipMessage::Parse(ByteView(m));
      ASSERT_FALSE(p.ok());
      EXPECT_EQ(p.error(), crypto::Error::kUnsupportedValue);
    }
    EXPECT_EQ(count.live(), 0);
  }
  const std::string top = "MESSAGE sip:b@example.org SIP/2.0\r\n" + head + "CSeq: 2147483647 MESSAGE\r\n\r\n";
  auto highest = SipMessage::Parse(ByteView(top));
  ASSERT_TRUE(highest.ok());
  EXPECT_EQ(highest->CSeqNumber(), 2147483647u);
  // The edges of the range, and a well-formed Contact, are taken.
  for (const char* status : {"100 Trying", "699 Odd"}) {
    const std::string m = std::string("SIP/2.0 ") + status + "\r\n" + head + "CSeq: 1 MESSAGE\r\n\r\n";
    EXPECT_TRUE(SipMessage::Parse(ByteView(m)).ok()) << m;
  }
  const std::string ok = "SIP/2.0 200 OK\r\nm: <sip:ue@10.0.0.1:5060>\r\n" + head + "CSeq: 1 MESSAGE\r\n\r\n";
  auto p = SipMessage::Parse(ByteView(ok));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ContactUri(), "sip:ue@10.0.0.1:5060");
}

TEST(SipMessage, MultipartParsesWithoutLeaks) {
  CountOsipAllocations count;
  {
    SipMessage r = SipMessage::Request("MESSAGE", "sip:mcx.example.org");
    r.SetFrom("<sip:a@example.org>;tag=1");
    r.SetTo("<sip:b@example.org>");
    r.SetCallId("c2");
    r.SetCSeq(1, "MESSAGE");
    r.AddBody("application/mikey", ByteView("one"));
    // A type with a line break would become a second header line of its part: sanitised.
    r.AddBody("text/plain\r\nContent-Type: text/html", ByteView("two"));
    auto p = SipMessage::Parse(r.Serialize());
    ASSERT_TRUE(p.ok());
    auto parts = p->Bodies();
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(*p->Body("application/mikey"), Bytes({'o', 'n', 'e'}));
    EXPECT_EQ(parts[1].data, Bytes({'t', 'w', 'o'}));
    // One Content-Type per part, and two parts with one each, parse.
    auto q = SipMessage::Parse(Wire("--b1\r\nContent-Type: a/b\r\n\r\none\r\n--b1\r\nContent-Type: c/d\r\n\r\ntwo\r\n--b1--\r\n"));
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->Bodies().size(), 2u);
  }
  EXPECT_EQ(count.live(), 0);
}

}  // namespace
TEST(SipStack, RequestsNeverAnsweredAreForgottenLikeAnsweredOnes) {
  // A handler that drops what it gets (a forged request): each new branch was kept for good.
  mcx::testing::FakeNetwork net;
  auto& sender = net.Add("10.0.0.1", 1);
  auto& server = net.Add("10.0.0.2", 2);
  uint32_t handled = 0;
  server.sip_handler = [&](const procedures::Endpoint&, const SipMessage&) { ++handled; };
  for (int i = 0; i < 200; ++i) {
    const std::string m = "MESSAGE sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKf" +
                          std::to_string(i) + "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c" +
                          std::to_string(i) + "\r\nCSeq: 1 MESSAGE\r\n\r\n";
    sender.Dispatch([&] { sender.SendSip({"10.0.0.2", 5060}, Bytes(m.begin(), m.end()), false); });
  }
  net.RunUntil(1.0);
  EXPECT_EQ(handled, 200u);
  EXPECT_EQ(server.sip().server_transactions(), 200u);  // absorbing retransmissions meanwhile
  net.RunUntil(1.0 + 64 * procedures::SipTimers{}.t1);
  EXPECT_EQ(server.sip().server_transactions(), 0u);
}

}  // namespace mcx::models
