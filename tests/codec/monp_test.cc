// MONP private call messages (TS 24.379 15): round trip, every truncation, trailing bytes, the
// setup request's layout; the off-network SDP carrying the MIKEY I_MESSAGE.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcx/codec/monp.h"
#include "mcx/codec/mcptt_sdp.h"

using namespace mcx::codec;
using namespace mcx::crypto;

TEST(Monp, EveryPrivateCallMessageRoundTripsAndRejectsTruncation) {
  for (MonpType t : {MonpType::kPrivateCallSetupRequest, MonpType::kPrivateCallAccept, MonpType::kPrivateCallReject,
                     MonpType::kPrivateCallRelease, MonpType::kPrivateCallReleaseAck, MonpType::kPrivateCallRinging}) {
    MonpPrivateCallMessage m;
    m.type = t;
    m.call_id = 0xbeef;
    m.caller = "sip:alice@example.org";
    m.callee = "sip:bob@example.org";
    if (t == MonpType::kPrivateCallSetupRequest || t == MonpType::kPrivateCallAccept) m.sdp = "v=0\r\n";
    if (t == MonpType::kPrivateCallReject) m.reason = 3;
    const Bytes wire = Encode(m);
    auto back = DecodeMonp(wire);
    ASSERT_TRUE(back.ok()) << static_cast<int>(t);
    EXPECT_EQ(Encode(*back), wire);
    EXPECT_EQ(back->caller, m.caller);
    EXPECT_EQ(back->sdp, m.sdp);
    for (size_t n = 0; n < wire.size(); ++n)
      EXPECT_EQ(DecodeMonp(ByteView(wire.data(), n)).error(), Error::kTruncated) << n;
    Bytes longer = wire;
    longer.push_back(0);
    EXPECT_EQ(DecodeMonp(longer).error(), Error::kTrailingBytes);
  }
  EXPECT_EQ(DecodeMonp(Bytes{2, 0, 1}).error(), Error::kUnsupportedValue);  // a group call message
}

TEST(Monp, SetupRequestLayout) {
  MonpPrivateCallMessage m;
  m.call_id = 0x0102;
  m.caller = "a";
  m.callee = "bc";
  m.sdp = "x";
  // type 8 | call id | commencement 0 | call type 5 | LV-E caller | LV-E callee | LV-E SDP
  EXPECT_EQ(Encode(m), (Bytes{8, 1, 2, 0, 5, 0, 1, 'a', 0, 2, 'b', 'c', 0, 1, 'x'}));
}

TEST(Monp, SdpCarriesTheIMessage) {
  McpttSdp s{"10.0.0.7", 49150, 49151, Bytes{1, 2, 3, 250}, {}};
  const std::string text = s.Text();
  EXPECT_NE(text.find("a=key-mgmt:mikey AQID+g=="), std::string::npos);
  auto back = McpttSdp::Parse(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->address, "10.0.0.7");
  EXPECT_EQ(back->media_port, 49150);
  EXPECT_EQ(back->floor_port, 49151);
  EXPECT_EQ(back->mikey, s.mikey);
  EXPECT_EQ(McpttSdp::Parse("v=0\r\n").error(), Error::kMissingPayload);
  EXPECT_EQ(McpttSdp::Parse("c=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/SAVP 96\r\n").error(), Error::kUnsupportedValue);
}

// Whatever parses writes back to text that parses to the same (TS 24.379 10.2.1.1.2 /
// 11.2.1.1.2: the SDP carries the floor control m=application line). Before, an offer without
// it parsed with floor port 0, which Text() wrote as "m=application 0", which Parse refused.
TEST(Monp, SdpParseAndTextAgree) {
  const std::string no_floor = "v=0\r\nc=IN IP4 10.0.0.7\r\nm=audio 49150 RTP/SAVP 96\r\n";
  EXPECT_EQ(McpttSdp::Parse(no_floor).error(), Error::kMissingPayload);
  EXPECT_EQ(McpttSdp::Parse(no_floor + "m=application 0 udp MCPTT\r\n").error(), Error::kUnsupportedValue);
  const std::vector<std::string> offers = {
      no_floor + "m=application 49151 udp MCPTT\r\n",
      McpttSdp{"10.0.0.7", 49150, 49151, Bytes{1, 2, 3, 250}, {}}.Text(),
      McpttSdp{"225.0.0.1", 1, 65535, {}, {}}.Text(),
      "c=IN IP4 1.2.3.4\nm=application 7 udp MCPTT\nm=audio 9 RTP/SAVP 96\n",  // LF only, any order
  };
  for (const auto& text : offers) {
    SCOPED_TRACE(text);
    auto first = McpttSdp::Parse(text);
    ASSERT_TRUE(first.ok()) << ErrorName(first.error());
    auto again = McpttSdp::Parse(first->Text());
    ASSERT_TRUE(again.ok()) << ErrorName(again.error());
    EXPECT_EQ(again->address, first->address);
    EXPECT_EQ(again->media_port, first->media_port);
    EXPECT_EQ(again->floor_port, first->floor_port);
    EXPECT_EQ(again->mikey, first->mikey);
    EXPECT_EQ(again->Text(), first->Text());
  }
}

