#include "mcx/procedures/transport/sip_message.h"

#include <gtest/gtest.h>

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
  r.AddBody("application/vnd.3gpp.mcptt-info+xml", ByteView("<mcpttinfo/>"));
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

}  // namespace
}  // namespace mcx::models
