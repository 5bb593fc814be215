// mcxsim decrypt's reader (sim/capture/pcap_decrypt.h) in process: a packet protected under a
// logged key comes out as its plaintext with its lengths and checksum right; what no key opens,
// and what is not SRTP, is left as it was; every truncation of the file and the key log's
// mistakes are refused with a message, never read past.
#include "mcx/sim/capture/pcap_decrypt.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "mcx/codec/rtp.h"
#include "mcx/crypto/bytes.h"

namespace mcx::test {
namespace {

using crypto::Bytes;
namespace srtp = security::srtp;

void Le32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}

// A raw-IPv4 pcap (the sidelink's link type) of UDP datagrams to `port`.
std::string Pcap(const std::vector<Bytes>& payloads, uint16_t port) {
  std::string f;
  Le32(f, 0xa1b2c3d4u);
  f += std::string("\x02\x00\x04\x00", 4);
  Le32(f, 0), Le32(f, 0), Le32(f, 65535), Le32(f, 101);
  for (const Bytes& p : payloads) {
    Bytes ip = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
    const size_t len = 28 + p.size();
    ip[2] = static_cast<uint8_t>(len >> 8), ip[3] = static_cast<uint8_t>(len);
    Bytes udp = {0xc0, 0x00, static_cast<uint8_t>(port >> 8), static_cast<uint8_t>(port), static_cast<uint8_t>((8 + p.size()) >> 8),
                 static_cast<uint8_t>(8 + p.size()), 0, 0};
    Le32(f, 1), Le32(f, 0), Le32(f, static_cast<uint32_t>(len)), Le32(f, static_cast<uint32_t>(len));
    f.append(ip.begin(), ip.end());
    f.append(udp.begin(), udp.end());
    f.append(p.begin(), p.end());
  }
  return f;
}

TEST(PcapDecrypt, ALoggedKeyOpensItsPacketsAndNothingElseChanges) {
  const std::string log =
      "# a comment\n"
      "SRTP * 0a0b0c0d 000102030405060708090a0b0c0d0e0f 101112131415161718191a1b AEAD_AES_128_GCM PCK-ID 0x0a0b0c0d, CS-ID 0\n";
  const auto keys = sim::capture::ReadKeyLog(log);
  ASSERT_EQ(keys.size(), 1u);
  srtp::Sender sender(keys.begin()->second);
  codec::RtpPacket rtp;
  rtp.payload_type = 96;
  rtp.ssrc = 0x1234;
  rtp.payload = Bytes(33, 0x5a);
  const Bytes plain = codec::Encode(rtp);
  const Bytes wire = *sender.ProtectRtp(plain);
  Bytes unknown = wire;
  unknown[unknown.size() - 1] ^= 1;  // an MKI nobody logged
  const Bytes sip(12, 0x80);
  const std::string in = Pcap({wire, wire, unknown}, 49151) + Pcap({sip}, 5060).substr(24);
  sim::capture::DecryptCounts c;
  const std::string out = sim::capture::DecryptPcap(in, keys, c);
  EXPECT_EQ(c.packets, 4u);
  EXPECT_EQ(c.srtp, 2u);  // the packet and its relayed copy
  EXPECT_EQ(c.unopened, 1u);
  // The first record now holds the plaintext, its lengths and IPv4 checksum right.
  const auto* o = reinterpret_cast<const uint8_t*>(out.data());
  const uint32_t caplen = o[32] | o[33] << 8;
  ASSERT_EQ(caplen, 28 + plain.size());
  EXPECT_EQ(Bytes(o + 24 + 16 + 28, o + 24 + 16 + caplen), plain);
  EXPECT_EQ(o[24 + 16 + 2] << 8 | o[24 + 16 + 3], static_cast<int>(28 + plain.size()));
  EXPECT_EQ(o[24 + 16 + 24] << 8 | o[24 + 16 + 25], static_cast<int>(8 + plain.size()));
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += o[24 + 16 + i] << 8 | o[24 + 16 + i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu) << "IPv4 header checksum";
  // The record no key opened and the SIP one are byte for byte as they were.
  EXPECT_EQ(out.substr(out.size() - (16 + 28 + 12)), in.substr(in.size() - (16 + 28 + 12)));
  // Every truncation of the file: refused with a message or read as far as it goes, never past.
  for (size_t n = 0; n < in.size(); ++n) {
    sim::capture::DecryptCounts t;
    try {
      sim::capture::DecryptPcap(in.substr(0, n), keys, t);
    } catch (const std::runtime_error&) {
    }
  }
}

TEST(PcapDecrypt, KeyLogMistakesAreNamedByLine) {
  for (const std::string bad : {"SRTP * 0a 00 11 AEAD_AES_128_GCM x\n",
                                "SRTP * 0a0 000102030405060708090a0b0c0d0e0f 101112131415161718191a1b AEAD_AES_128_GCM x\n",
                                "SRTP * 0a0b 000102030405060708090a0b0c0d0e0f 101112131415161718191a1b AES_CM x\n",
                                "RTP * - 000102030405060708090a0b0c0d0e0f 101112131415161718191a1b AEAD_AES_128_GCM x\n"}) {
    try {
      sim::capture::ReadKeyLog("# first\n" + bad);
      ADD_FAILURE() << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("key log line 2"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(sim::capture::DecryptPcap("not a pcap", {}, *std::make_unique<sim::capture::DecryptCounts>()),
               std::runtime_error);
}

}  // namespace
}  // namespace mcx::test
