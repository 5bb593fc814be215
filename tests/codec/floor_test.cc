// Floor control codec (TS 24.380): every message type round-trips and validates, every
// truncation fails, and Wireshark decodes our plain packets.
#include "mcx/codec/floor.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/pcap_writer.h"

namespace mcx::codec {
namespace {

std::vector<std::pair<FloorMessage, bool>> AllMessages() {  // (message, off-network)
  return {
      {FloorRequest(0x1001, 5), false},
      {FloorGranted(0x1001, 30, 5), false},
      {FloorTaken(0x1001, "sip:alice@example.org", true, 7), false},
      {FloorDeny(0x1001, 1, "Another MCPTT client has permission"), false},
      {FloorRelease(0x1001), false},
      {FloorIdle(0x1001, 8), false},
      {FloorRevoke(0x1001, 2), false},
      {FloorQueuePositionRequest(0x1001), false},
      {FloorQueuePositionInfo(0x1001, 2, 5), false},
      {FloorAck(0x1001, FloorMsgType::kGranted, Source::kParticipant), false},
      {OffnetFloorRequest(0x2002, "sip:bob@example.org", 3), true},
      {OffnetFloorGranted(0x2002, "sip:alice@example.org", 0x3003, 30, 3), true},
      {OffnetFloorTaken(0x2002, "sip:alice@example.org", "sip:alice@example.org", false, 9), true},
      {OffnetFloorDeny(0x2002, "sip:alice@example.org", 3), true},
      {OffnetFloorRelease(0x2002, "sip:bob@example.org"), true},
      {OffnetFloorQueuePositionInfo(0x2002, "sip:alice@example.org", "sip:bob@example.org", 1, 3), true},
  };
}

TEST(FloorCodec, EveryMessageRoundTripsValidatesAndRejectsTruncation) {
  for (auto& [m, offnet] : AllMessages()) {
    SCOPED_TRACE(FloorMsgTypeName(m.type()));
    const Bytes enc = Encode(m);
    EXPECT_EQ(enc.size() % 4, 0u);
    auto d = Decode(enc);
    ASSERT_TRUE(d.ok()) << crypto::ErrorName(d.error());
    EXPECT_EQ(Encode(*d), enc);
    EXPECT_EQ(d->type(), m.type());
    EXPECT_EQ(d->ssrc, m.ssrc);
    EXPECT_TRUE(Validate(*d, offnet).ok());
    for (size_t n = 0; n < enc.size(); ++n)
      ASSERT_EQ(Decode(ByteView(enc.data(), n)).error(), Error::kTruncated) << n;
    Bytes longer = enc;
    longer.insert(longer.end(), 4, 0);
    EXPECT_EQ(Decode(longer).error(), Error::kTrailingBytes);
  }
}

TEST(FloorCodec, TypedFieldsReadBack) {
  auto taken = *Decode(Encode(OffnetFloorTaken(1, "sip:a@x", "sip:g@x", true, 77)));
  EXPECT_EQ(*taken.Text(FieldId::kGrantedPartyIdentity), "sip:g@x");
  EXPECT_EQ(*taken.Text(FieldId::kUserId), "sip:a@x");
  EXPECT_EQ(*taken.U16(FieldId::kPermissionToRequest), 1);
  EXPECT_EQ(*taken.U16(FieldId::kMessageSequenceNumber), 77);
  auto deny = *Decode(Encode(FloorDeny(1, 4, "busy")));
  EXPECT_EQ(*deny.RejectCause(), 4);
  EXPECT_EQ(*deny.RejectPhrase(), "busy");
  auto granted = *Decode(Encode(OffnetFloorGranted(1, "sip:a@x", 0xabcdef01, 20, 9)));
  EXPECT_EQ(*granted.GrantedSsrc(), 0xabcdef01u);
  EXPECT_EQ(*granted.U16(FieldId::kDuration), 20);
  EXPECT_EQ(*granted.Priority(), 9);
  auto ack = *Decode(Encode(FloorAck(1, FloorMsgType::kTaken, Source::kControllingFunction)));
  EXPECT_EQ(*ack.AcknowledgedType(), FloorMsgType::kTaken);
  auto qi = *Decode(Encode(FloorQueuePositionInfo(1, 3, 6)));
  EXPECT_EQ(qi.QueueInfo()->first, 3);
  FloorMessage req = FloorRequest(1, 1);
  req.subtype |= kAckRequested;
  EXPECT_TRUE(Decode(Encode(req))->ack_requested());
}

TEST(FloorCodec, MissingMandatoryFieldsAndBadHeaders) {
  FloorMessage g = FloorGranted(1, 30, 5);
  EXPECT_EQ(Validate(g, /*off_network=*/true).error(), Error::kMissingPayload);  // no SSRC/User ID
  EXPECT_EQ(Validate(FloorRequest(1, 1), true).error(), Error::kMissingPayload);  // no User ID
  FloorMessage empty_deny;
  empty_deny.subtype = static_cast<uint8_t>(FloorMsgType::kDeny);
  EXPECT_EQ(Validate(empty_deny, false).error(), Error::kMissingPayload);
  Bytes enc = Encode(FloorRequest(1, 1));
  Bytes bad = enc;
  bad[1] = 203;  // not APP
  EXPECT_EQ(Decode(bad).error(), Error::kUnsupportedValue);
  bad = enc;
  bad[8] = 'X';  // another APP name
  EXPECT_EQ(Decode(bad).error(), Error::kUnsupportedValue);
  bad = Encode(FloorDeny(1, 4, "bus"));  // cause(2) + 3 characters: one byte of padding
  bad.back() = 1;
  EXPECT_EQ(Decode(bad).error(), Error::kUnsupportedValue);
  bad = enc;
  bad[3] += 1;  // RTCP length claims more than there is
  EXPECT_EQ(Decode(bad).error(), Error::kTruncated);
}

// Wireshark's MCPTT dissector (tshark from Debian) must decode our plain packets.
TEST(FloorCodec, WiresharkDecodesEveryMessage) {
  // scripts/mcx installs tshark; its absence is a broken set-up, not a reason to skip the check.
  ASSERT_EQ(std::system("command -v tshark >/dev/null 2>&1"), 0) << "tshark is not installed (scripts/mcx installs it)";
  char tmpl[] = "/tmp/mcx-floor-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string pcap = dir + "/floor.pcap", out = dir + "/tshark.txt";
  {
    test::PcapWriter w(pcap);
    for (auto& [m, offnet] : AllMessages()) w.Udp(5000, 49150, Encode(m));
  }
  const std::string cmd = "tshark -r " + pcap +
                          " -d udp.port==49150,rtcp -T fields -E separator='|' -e rtcp.app.name -e rtcp.app.subtype"
                          " -e rtcp.app_data.mcptt.priority -e rtcp.app_data.mcptt.duration"
                          " -e rtcp.mcptt.granted_partys_id -e rtcp.app_data.mcptt.user_id"
                          " -e rtcp.app_data.mcptt.msg_seq_num -e rtcp.app_data.mcptt.rej_cause.floor_deny"
                          " -e rtcp.app_data.mcptt.rej_cause.floor_revoke -e _ws.malformed > " + out + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto msgs = AllMessages();
  ASSERT_EQ(lines.size(), msgs.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    std::vector<std::string> f;
    std::stringstream ss(lines[i]);
    for (std::string c; std::getline(ss, c, '|');) f.push_back(c);
    f.resize(11);
    const FloorMessage& m = msgs[i].first;
    EXPECT_EQ(f[0], "MCPT");
    EXPECT_EQ(f[1], std::to_string(m.subtype));
    if (auto p = m.Priority()) {
      EXPECT_EQ(f[2], std::to_string(*p));
    }
    if (auto d = m.U16(FieldId::kDuration)) {
      EXPECT_EQ(f[3], std::to_string(*d));
    }
    if (auto g = m.Text(FieldId::kGrantedPartyIdentity)) {
      EXPECT_EQ(f[4], *g);
    }
    if (auto u = m.Text(FieldId::kUserId)) {
      EXPECT_NE(f[5].find(*u), std::string::npos);
    }
    if (auto s = m.U16(FieldId::kMessageSequenceNumber)) {
      EXPECT_EQ(f[6], std::to_string(*s));
    }
    if (auto c = m.RejectCause()) {
      EXPECT_EQ(m.type() == FloorMsgType::kDeny ? f[7] : f[8], std::to_string(*c));
    }
    EXPECT_EQ(f[9], "") << "Wireshark marks the packet malformed";
  }
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace mcx::codec
