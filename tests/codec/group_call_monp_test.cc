// MONP group call messages (TS 24.379 15.1.2-15.1.4): round trip, every truncation, trailing
// bytes, unknown optional IEs, and the announcement's byte layout.
#include <gtest/gtest.h>

#include "mcx/codec/monp.h"
#include "tests/support/monp_samples.h"

using namespace mcx::codec;
using mcx::testing::Announcement;
using mcx::crypto::Bytes;
using mcx::crypto::ByteView;
using mcx::crypto::Error;

TEST(MonpGroupCall, EveryMessageRoundTripsAndRejectsTruncation) {
  MonpGroupCallMessage probe;
  probe.group_id = "sip:g@x";
  MonpGroupCallMessage accept;
  accept.type = MonpType::kGroupCallAccept;
  accept.call_id = 7;
  accept.group_id = "sip:g@x";
  accept.sending_user = "sip:b@x";
  MonpGroupCallMessage full = Announcement();
  full.confirm_mode = full.probe_response = true;
  for (const MonpGroupCallMessage& m : {probe, accept, Announcement(), full}) {
    const Bytes wire = Encode(m);
    auto back = DecodeMonpGroupCall(wire);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(Encode(*back), wire);
    EXPECT_EQ(back->group_id, m.group_id);
    EXPECT_EQ(back->confirm_mode, m.confirm_mode);
    EXPECT_EQ(back->probe_response, m.probe_response);
    // Every cut is truncated, except after the mandatory part of an announcement, where the
    // optional IEs are simply absent.
    const size_t mandatory = Encode([&] {
                               MonpGroupCallMessage x = m;
                               x.confirm_mode = x.probe_response = false;
                               return x;
                             }()).size();
    for (size_t n = 0; n < mandatory; ++n)
      EXPECT_EQ(DecodeMonpGroupCall(ByteView(wire.data(), n)).error(), Error::kTruncated) << n;
  }
  Bytes longer = Encode(probe);
  longer.push_back(0);
  EXPECT_EQ(DecodeMonpGroupCall(longer).error(), Error::kTrailingBytes);
  Bytes badIe = Encode(Announcement());
  badIe.push_back(0x78);
  EXPECT_EQ(DecodeMonpGroupCall(badIe).error(), Error::kUnsupportedValue);
  Bytes twice = Encode(Announcement());
  twice.push_back(0x81);
  twice.push_back(0x81);
  EXPECT_EQ(DecodeMonpGroupCall(twice).error(), Error::kUnsupportedValue);
  EXPECT_EQ(DecodeMonpGroupCall(Bytes{8, 0, 1}).error(), Error::kUnsupportedValue);  // a private call message
}

TEST(MonpGroupCall, AnnouncementLayout) {
  MonpGroupCallMessage a = Announcement();
  a.group_id = "g";
  a.sdp = "s";
  a.originating_user = "o";
  a.last_user_to_change_call_type = "l";
  a.probe_response = true;
  // type 2 | call id | call type 1 | refresh 10000 | start (40 bits) | last change (40 bits) |
  // LV-E group, SDP, originator, last changer | probe response IEI 0x81
  EXPECT_EQ(Encode(a), (Bytes{2, 0x12, 0x34, 1, 0x27, 0x10, 0x00, 0x6a, 0xb1, 0x3b, 0x80, 0x00, 0x6a, 0xb1, 0x3b,
                              0x81, 0, 1, 'g', 0, 1, 's', 0, 1, 'o', 0, 1, 'l', 0x81}));
  MonpGroupCallMessage probe;
  probe.group_id = "g";
  EXPECT_EQ(Encode(probe), (Bytes{1, 0, 1, 'g'}));
}

