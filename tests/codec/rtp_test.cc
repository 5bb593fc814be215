// RTP packets (RFC 3550 5.1): the header's layout, round trip, every truncation, and what these
// clients never send (another version, padding, an extension, CSRCs) refused.
#include "mcx/codec/rtp.h"

#include <gtest/gtest.h>

using namespace mcx::codec;
using mcx::crypto::Bytes;
using mcx::crypto::ByteView;
using mcx::crypto::Error;

TEST(Rtp, HeaderLayoutAndRoundTrip) {
  RtpPacket p;
  p.payload_type = 96;
  p.sequence = 0x0102;
  p.timestamp = 0x03040506;
  p.ssrc = 0x0708090a;
  p.payload = {0xaa, 0xbb};
  const Bytes wire = Encode(p);
  EXPECT_EQ(wire, (Bytes{0x80, 0x60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xaa, 0xbb}));
  auto back = DecodeRtp(wire);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sequence, p.sequence);
  EXPECT_EQ(back->timestamp, p.timestamp);
  EXPECT_EQ(back->ssrc, p.ssrc);
  EXPECT_EQ(back->payload, p.payload);
  EXPECT_FALSE(back->marker);
  p.marker = true;
  EXPECT_TRUE(DecodeRtp(Encode(p))->marker);
  for (size_t n = 0; n < kRtpHeaderBytes; ++n) EXPECT_EQ(DecodeRtp(ByteView(wire.data(), n)).error(), Error::kTruncated) << n;
  EXPECT_TRUE(DecodeRtp(ByteView(wire.data(), kRtpHeaderBytes))->payload.empty());
}

TEST(Rtp, WhatTheseClientsNeverSendIsRefused) {
  const Bytes good = Encode(RtpPacket{});
  for (uint8_t first : {0x40, 0xa0, 0x90, 0x81}) {  // version 1, padding, extension, one CSRC
    Bytes bad = good;
    bad[0] = first;
    EXPECT_EQ(DecodeRtp(bad).error(), Error::kUnsupportedValue) << int(first);
  }
}
