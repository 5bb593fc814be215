// The MCPTT SDP's floor control parameters (TS 24.380 12.1.2, 14) and the strict reading of its
// address and ports: what parses is written back to the same.
#include "mcx/codec/mcptt_sdp.h"

#include <gtest/gtest.h>

#include "mcx/codec/text_fields.h"

namespace mcx::codec {
namespace {

using crypto::Error;

const std::string kBase = "v=0\r\nc=IN IP4 10.0.0.7\r\nm=audio 49150 RTP/SAVP 96\r\nm=application 49152 udp MCPTT\r\n";

TEST(McpttSdp, FloorParametersRoundTrip) {
  // digest 3.1's example offer
  auto offer = McpttSdp::Parse(kBase + "a=fmtp:MCPTT mc_queueing;mc_priority=5;mc_implicit_request\r\n");
  ASSERT_TRUE(offer.ok());
  EXPECT_TRUE(offer->floor.queueing);
  EXPECT_EQ(offer->floor.priority, 5);
  EXPECT_FALSE(offer->floor.granted);
  EXPECT_TRUE(offer->floor.implicit_request);
  const std::string text = offer->Text();
  EXPECT_NE(text.find("a=fmtp:MCPTT mc_queueing;mc_priority=5;mc_implicit_request\r\n"), std::string::npos);
  auto again = McpttSdp::Parse(text);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->floor, offer->floor);
  // Spaces around parameters, and ones of later releases, are let go.
  auto spaced = McpttSdp::Parse(kBase + "a=fmtp:MCPTT mc_granted ; mc_future=1;mc_priority=255\r\n");
  ASSERT_TRUE(spaced.ok());
  EXPECT_TRUE(spaced->floor.granted);
  EXPECT_EQ(spaced->floor.priority, 255);
  // No fmtp line, or an empty one: no parameters, and none written.
  for (const std::string& t : {kBase, kBase + "a=fmtp:MCPTT\r\n"}) {
    auto p = McpttSdp::Parse(t);
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->floor.empty());
    EXPECT_EQ(p->Text().find("a=fmtp"), std::string::npos);
  }
}

TEST(McpttSdp, BadFieldsAreRefusedByName) {
  const std::vector<std::pair<std::string, Error>> bad = {
      {kBase + "a=fmtp:MCPTT mc_priority=0\r\n", Error::kUnsupportedValue},
      {kBase + "a=fmtp:MCPTT mc_priority=256\r\n", Error::kUnsupportedValue},
      {kBase + "a=fmtp:MCPTT mc_priority=+5\r\n", Error::kUnsupportedValue},
      {kBase + "a=fmtp:MCPTT mc_priority=\r\n", Error::kUnsupportedValue},
      {kBase + "a=fmtp:MCPTT mc_queueing;mc_queueing\r\n", Error::kDuplicatePayload},
      {kBase + "a=fmtp:MCPTT mc_queueing\r\na=fmtp:MCPTT mc_granted\r\n", Error::kDuplicatePayload},
      {kBase + "c=IN IP4 10.0.0.8\r\n", Error::kDuplicatePayload},
      {kBase + "m=audio 4 RTP/SAVP 96\r\n", Error::kDuplicatePayload},
      {"c=IN IP4 10.0.0.999\r\nm=audio 4 RTP/SAVP 96\r\nm=application 5 udp MCPTT\r\n", Error::kUnsupportedValue},
      {"c=IN IP4 host.example\r\nm=audio 4 RTP/SAVP 96\r\nm=application 5 udp MCPTT\r\n", Error::kUnsupportedValue},
      {"c=IN IP4 10.0.0.7\r\nm=audio -4 RTP/SAVP 96\r\nm=application 5 udp MCPTT\r\n", Error::kUnsupportedValue},
      {"c=IN IP4 10.0.0.7\r\nm=audio 65535 RTP/SAVP 96\r\nm=application 5 udp MCPTT\r\n", Error::kUnsupportedValue},
      {"c=IN IP4 10.0.0.7\r\nm=audio 4x RTP/SAVP 96\r\nm=application 5 udp MCPTT\r\n", Error::kUnsupportedValue},
  };
  for (const auto& [text, error] : bad) {
    auto p = McpttSdp::Parse(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.error(), error) << text;
  }
  // An attribute that only starts like ours is another one.
  auto other = McpttSdp::Parse(kBase + "a=fmtp:MCPTTX mc_priority=0\r\n");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->floor.empty());
}

TEST(McpttSdp, TheAnswerGrantsAtMostWhatWasOffered) {
  FloorFmtp offer;
  offer.queueing = true;
  offer.priority = 7;
  offer.granted = true;
  offer.implicit_request = true;
  FloorFmtp server;
  server.queueing = true;
  server.priority = 5;
  FloorFmtp a = FloorAnswer(offer, server, true);
  EXPECT_TRUE(a.queueing);
  EXPECT_EQ(a.priority, 5);
  EXPECT_TRUE(a.granted);
  EXPECT_FALSE(a.implicit_request);
  server.priority = 9;  // never more than offered
  EXPECT_EQ(FloorAnswer(offer, server, true).priority, 7);
  server.queueing = false;
  EXPECT_FALSE(FloorAnswer(offer, server, true).queueing);
  EXPECT_FALSE(FloorAnswer(offer, server, false).granted);  // the floor not granted at once
  offer.granted = false;  // the offerer cannot be told in the answer
  EXPECT_FALSE(FloorAnswer(offer, server, true).granted);
  offer.priority.reset();  // the default priority: none in the answer either
  EXPECT_FALSE(FloorAnswer(offer, server, true).priority.has_value());
}

TEST(TextFields, DecimalsPortsAndAddressesAreStrict) {
  EXPECT_EQ(ParseDecimal("255", 3, 255), 255u);
  EXPECT_FALSE(ParseDecimal("256", 3, 255));
  EXPECT_FALSE(ParseDecimal("0255", 3, 255));
  EXPECT_FALSE(ParseDecimal("", 3, 255));
  EXPECT_FALSE(ParseDecimal("1 ", 3, 255));
  EXPECT_EQ(ParsePort("65535"), 65535);
  for (const char* p : {"0", "65536", "99999", "-1", "+1", "1e3", "123456"}) EXPECT_FALSE(ParsePort(p)) << p;
  for (const char* a : {"0.0.0.0", "10.0.0.7", "255.255.255.255", "225.0.0.1"}) EXPECT_TRUE(IsDottedIpv4(a)) << a;
  for (const char* a : {"", "10.0.0", "10.0.0.7.1", "10.0.0.256", "10..0.7", ".10.0.0", "10.0.0.", "a.b.c.d",
                        "1000.0.0.1", "10.0.0.7 ", "::1"})
    EXPECT_FALSE(IsDottedIpv4(a)) << a;
}

}  // namespace
}  // namespace mcx::codec
