// SRTP/SRTCP AEAD_AES_128_GCM: RFC 7714 vectors, a byte-for-byte cross-check with libsrtp2
// (an independent implementation, linked into this test only), per-sender group keys chosen by
// MKI, and each receiver error with its own code and counter.
#include "mcx/security/srtp.h"
#include "mcx/security/srtp_keys.h"

#include <gtest/gtest.h>

#include <cstring>

#include "mcx/crypto/kdf.h"
#include "mcx/crypto/rng.h"
#include "tests/support/libsrtp_session.h"
#include "tests/support/testdata.h"

namespace mcx::security::srtp {

using crypto::Append;
using crypto::AppendU16;
using crypto::AppendU32;
using crypto::HmacDrbg;
using crypto::LoadU32;
using crypto::ToHex;
namespace {

using test::Hex;
using test::HexField;

struct Vectors {
  nlohmann::json j = test::LoadJson("rfc7714-srtp-gcm.json");
  SessionKeys Session() const {
    return SessionKeys{SecretBytes(HexField(j, "session_key")), SecretBytes(HexField(j, "session_salt"))};
  }
};

TEST(SrtpVectors, Rfc7714SrtpEncryption) {
  Vectors v;
  const auto& s = v.j.at("srtp");
  EXPECT_EQ(ToHex(RtpIv(HexField(v.j, "session_salt"), 0x5501a0b2, 0, 0xf17b)), s.at("iv").get<std::string>());
  Sender tx = Sender::WithSessionKeys(v.Session(), v.Session(), {});
  auto out = tx.ProtectRtp(HexField(s, "plaintext_packet"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(ToHex(*out), s.at("encrypted_packet").get<std::string>());
  Receiver rx = Receiver::WithSessionKeys(v.Session(), v.Session());
  auto back = rx.UnprotectRtp(*out);
  ASSERT_TRUE(back.ok()) << ErrorName(back.error());
  EXPECT_EQ(ToHex(*back), s.at("plaintext_packet").get<std::string>());
}

TEST(SrtpVectors, Rfc7714SrtcpEncryptionAndTaggingOnly) {
  Vectors v;
  const auto& s = v.j.at("srtcp");
  EXPECT_EQ(ToHex(RtcpIv(HexField(v.j, "session_salt"), 0x4d617273, 0x5d4)), s.at("iv").get<std::string>());
  Sender tx = Sender::WithSessionKeys(v.Session(), v.Session(), {});
  tx.set_srtcp_index(0x5d4);
  auto enc = tx.ProtectRtcp(HexField(s, "plaintext_packet"));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(ToHex(*enc), s.at("encrypted_packet").get<std::string>());
  tx.set_srtcp_index(0x5d4);
  auto tag = tx.AuthenticateRtcp(HexField(s, "plaintext_packet"));
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(ToHex(*tag), s.at("authenticated_only_packet").get<std::string>());
  Receiver rx = Receiver::WithSessionKeys(v.Session(), v.Session());
  EXPECT_EQ(ToHex(*rx.UnprotectRtcp(*enc)), s.at("plaintext_packet").get<std::string>());
  Receiver rx2 = Receiver::WithSessionKeys(v.Session(), v.Session());
  EXPECT_EQ(ToHex(*rx2.UnprotectRtcp(*tag)), s.at("plaintext_packet").get<std::string>());
}

// ---- libsrtp2 cross-check ----

// Our sessions side by side with libsrtp2's (tests/support/libsrtp_session.h).
class Libsrtp : public test::LibsrtpSession {
 public:
  Libsrtp(const MasterKey& mk, bool inbound) : LibsrtpSession(mk.key, mk.salt, mk.mki, inbound) { EXPECT_TRUE(ok()); }
  Bytes Protect(ByteView pkt, bool rtcp) {
    auto out = LibsrtpSession::Protect(pkt, rtcp);
    EXPECT_TRUE(out.has_value());
    return out.value_or(Bytes{});
  }
};

Bytes RtpPacket(uint16_t seq, uint32_t ssrc, size_t payload) {
  Bytes p{0x80, 0x60};
  AppendU16(p, seq);
  AppendU32(p, 1000u * seq);
  AppendU32(p, ssrc);
  for (size_t i = 0; i < payload; ++i) p.push_back(static_cast<uint8_t>(i * 7 + seq));
  return p;
}

Bytes McptApp(uint32_t ssrc) {  // an RTCP APP "MCPT" Floor Request with a priority field
  Bytes p{0x80, 204, 0, 4};
  AppendU32(p, ssrc);
  Append(p, ByteView("MCPT"));
  Append(p, Bytes{0, 2, 5, 0, 13, 2, 0x80, 0});
  return p;
}

MasterKey Key(size_t mki_len, uint64_t seed) {
  HmacDrbg rng(seed, "srtp-key");
  MasterKey mk{*rng.Generate(16), *rng.Generate(12), {}};
  mk.mki = rng.Generate(mki_len)->Expose();
  return mk;
}

TEST(SrtpLibsrtp, SameBytesBothWaysWithAndWithoutMki) {
  for (size_t mki_len : {size_t{0}, size_t{4}, size_t{8}}) {
    SCOPED_TRACE(mki_len);
    const MasterKey mk = Key(mki_len, 100 + mki_len);
    Sender ours(mk);
    Libsrtp theirs_tx(mk, false), theirs_rx(mk, true);
    Receiver rx(mki_len, [&](ByteView mki) -> std::optional<MasterKey> {
      if (mki == ByteView(mk.mki)) return mk;
      return std::nullopt;
    });
    for (uint16_t seq = 1; seq <= 5; ++seq) {
      const Bytes rtp = RtpPacket(seq, 0x11223344, 33);  // a 33-byte AMR-WB-ish voice frame
      auto mine = ours.ProtectRtp(rtp);
      ASSERT_TRUE(mine.ok());
      EXPECT_EQ(ToHex(*mine), ToHex(theirs_tx.Protect(rtp, false)));
      auto decoded = theirs_rx.Unprotect(*mine, false);
      ASSERT_TRUE(decoded.has_value());
      EXPECT_EQ(*decoded, rtp);
      EXPECT_EQ(*rx.UnprotectRtp(*mine), rtp);
      // RTCP: libsrtp numbers its SRTCP packets itself; take its index and compare bytes.
      const Bytes app = McptApp(0x11223344);
      const Bytes lib = theirs_tx.Protect(app, true);
      ours.set_srtcp_index(LoadU32(lib.data() + lib.size() - mki_len - 4) & 0x7fffffff);
      auto mine_rtcp = ours.ProtectRtcp(app);
      ASSERT_TRUE(mine_rtcp.ok());
      EXPECT_EQ(ToHex(*mine_rtcp), ToHex(lib));
      EXPECT_EQ(mine_rtcp->size(), app.size() + 20 + mki_len);
      auto back = rx.UnprotectRtcp(lib);
      ASSERT_TRUE(back.ok()) << ErrorName(back.error());
      EXPECT_EQ(*back, app);
    }
  }
}

// ---- TS 33.180 7.4: the MKI layouts ----

TEST(SrtpMki, GroupAndKeyIdFormsRoundTripOthersAreRefused) {
  EXPECT_EQ(ToHex(GroupMki(0x01020304, 0xa0b0c0d0)), "01020304a0b0c0d0");
  EXPECT_EQ(ToHex(KeyIdMki(0x11223344)), "11223344");
  auto g = ParseMki(GroupMki(0x01020304, 0xa0b0c0d0));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->key_id, 0x01020304u);
  EXPECT_EQ(g->guk_id, 0xa0b0c0d0u);
  auto k = ParseMki(KeyIdMki(0x11223344));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->key_id, 0x11223344u);
  EXPECT_FALSE(k->guk_id);
  for (size_t n : {0, 3, 5, 7, 9, 12}) EXPECT_FALSE(ParseMki(Bytes(n, 0x42))) << n;
}

TEST(SrtpMki, PrivateCallKeysDifferByCryptoSessionAndCarryThePckId) {
  const Bytes pck(16, 0x5a), rand(16, 0x33);
  const MasterKey caller = PrivateCallMasterKey(pck, 0x1000abcd, rand, 0), callee = PrivateCallMasterKey(pck, 0x1000abcd, rand, 1);
  EXPECT_EQ(caller.mki, KeyIdMki(0x1000abcd));
  EXPECT_EQ(callee.mki, caller.mki);
  EXPECT_NE(caller.key, callee.key);  // CS-ID 0 and 1: one key per direction
  const kdf::SrtpMasterKeys direct = kdf::SrtpMaster(pck, 0, 0x1000abcd, rand);
  EXPECT_EQ(caller.key, direct.key);
  EXPECT_EQ(caller.salt, direct.salt);
}

// ---- TS 33.180 7.4.2: per-sender group keys chosen by MKI ----

TEST(SrtpGroup, EachMemberDecryptsTheOthersByMki) {
  const Bytes gmk = Hex("fcfe65cd967c58d260b603ccb9a887a9");
  const uint32_t gmk_id = 0x09bf9d37;
  const Bytes rand = Hex("6819e679461120e10ac458cce67b8024");
  // The derivation every user of a GMK shares (security/srtp_keys.h).
  auto member_key = [&](const std::string& uri) {
    return GroupSenderMasterKey(gmk, gmk_id, kdf::GukId(gmk, gmk_id, uri), rand, /*cs_id=*/4);
  };
  const MasterKey alice = member_key("sip:p25user01@etherstack.com");
  const MasterKey bob = member_key("sip:p25user02@etherstack.co.jp");
  EXPECT_EQ(ToHex(alice.key), "64837d2b4d69a266e4489d3807353ad9");  // the published vector
  EXPECT_EQ(alice.mki, GroupMki(gmk_id, kdf::GukId(gmk, gmk_id, "sip:p25user01@etherstack.com")));
  EXPECT_EQ(ToHex(alice.mki).substr(0, 8), "09bf9d37");  // GMK-ID first (7.4.2)
  EXPECT_NE(ToHex(alice.key), ToHex(bob.key));
  // A receiver holding only the GMK (and the RAND) rebuilds each sender's key from its MKI.
  auto lookup = [&](ByteView mki) -> std::optional<MasterKey> {
    auto f = ParseMki(mki);
    if (!f || f->key_id != gmk_id || !f->guk_id) return std::nullopt;
    return GroupSenderMasterKey(gmk, gmk_id, *f->guk_id, rand, 4);
  };
  Sender a(alice), b(bob);
  Receiver at_bob(8, lookup), at_alice(8, lookup);
  const Bytes from_a = RtpPacket(7, 0xaaaa0001, 33), from_b = RtpPacket(9, 0xbbbb0002, 33);
  EXPECT_EQ(*at_bob.UnprotectRtp(*a.ProtectRtp(from_a)), from_a);
  EXPECT_EQ(*at_alice.UnprotectRtp(*b.ProtectRtp(from_b)), from_b);
  EXPECT_EQ(*at_bob.UnprotectRtcp(*a.ProtectRtcp(McptApp(0xaaaa0001))), McptApp(0xaaaa0001));
}

// TS 33.180 7.4.2: any GUK-ID after a known GMK-ID names a key, so anyone can send packets that
// make a receiver derive keys. RFC 3711 3.3: state is kept only for packets that authenticated.
TEST(SrtpGroup, ForgedPacketsUnderRandomGukIdsLeaveNoState) {
  const Bytes gmk = Hex("fcfe65cd967c58d260b603ccb9a887a9");
  const uint32_t gmk_id = 0x09bf9d37;
  const Bytes rand = Hex("6819e679461120e10ac458cce67b8024");
  auto member_key = [&](const std::string& uri) {
    return GroupSenderMasterKey(gmk, gmk_id, kdf::GukId(gmk, gmk_id, uri), rand, 4);
  };
  size_t lookups = 0;
  auto lookup = [&](ByteView mki) -> std::optional<MasterKey> {
    ++lookups;
    auto f = ParseMki(mki);
    if (!f || f->key_id != gmk_id || !f->guk_id) return std::nullopt;
    return GroupSenderMasterKey(gmk, gmk_id, *f->guk_id, rand, 4);
  };
  Receiver rx(8, lookup);
  Sender alice(member_key("sip:alice@example.org"));
  ASSERT_TRUE(rx.UnprotectRtp(*alice.ProtectRtp(RtpPacket(1, 0xaaaa0001, 33))).ok());
  ASSERT_TRUE(rx.UnprotectRtcp(*alice.ProtectRtcp(McptApp(0xaaaa0001))).ok());
  EXPECT_EQ(rx.sender_count(), 1u);
  EXPECT_EQ(rx.stream_count(), 2u);

  // 100k forged packets: a genuine packet's bytes under the MKI GMK-ID || random GUK-ID (and a
  // random SSRC), RTP and SRTCP alternately. Each derives a key, fails its tag, leaves nothing.
  HmacDrbg rng(21, "forged-mki");
  const Bytes rtp = *alice.ProtectRtp(RtpPacket(2, 0xaaaa0001, 33));
  const Bytes rtcp = *alice.ProtectRtcp(McptApp(0xaaaa0001));
  constexpr size_t kForged = 100000;
  for (size_t i = 0; i < kForged; ++i) {
    Bytes f = i % 2 ? rtcp : rtp;
    const Bytes r = rng.Generate(8)->Expose();
    std::memcpy(f.data() + f.size() - 4, r.data(), 4);          // GUK-ID
    std::memcpy(f.data() + (i % 2 ? 4 : 8), r.data() + 4, 4);   // SSRC
    auto out = i % 2 ? rx.UnprotectRtcp(f) : rx.UnprotectRtp(f);
    ASSERT_EQ(out.error(), Error::kAuthenticationFailed) << i;
  }
  EXPECT_EQ(rx.counters().auth_failed, kForged);
  EXPECT_EQ(rx.sender_count(), 1u);
  EXPECT_EQ(rx.stream_count(), 2u);

  // Genuine packets still decrypt: alice's next ones, and a new sender's.
  const Bytes next = RtpPacket(3, 0xaaaa0001, 33);
  EXPECT_EQ(*rx.UnprotectRtp(*alice.ProtectRtp(next)), next);
  EXPECT_TRUE(rx.UnprotectRtp(rtp).ok());  // the genuine packet the forgeries were made from
  EXPECT_EQ(rx.UnprotectRtp(rtp).error(), Error::kReplayDetected);
  Sender bob(member_key("sip:bob@example.org"));
  const Bytes from_bob = RtpPacket(40, 0xbbbb0002, 20);
  EXPECT_EQ(*rx.UnprotectRtp(*bob.ProtectRtp(from_bob)), from_bob);
  EXPECT_EQ(rx.sender_count(), 2u);
  // Once a sender's keys are held, its packets need no lookup.
  const size_t before = lookups;
  EXPECT_TRUE(rx.UnprotectRtp(*bob.ProtectRtp(RtpPacket(41, 0xbbbb0002, 20))).ok());
  EXPECT_EQ(lookups, before);
}

// The genuine senders and their SSRCs are bounded too: least recently used first out.
TEST(SrtpGroup, SendersAndStreamsAreBounded) {
  const Bytes gmk = Hex("fcfe65cd967c58d260b603ccb9a887a9");
  const uint32_t gmk_id = 0x09bf9d37;
  const Bytes rand = Hex("6819e679461120e10ac458cce67b8024");
  auto member_key = [&](int i) {
    return GroupSenderMasterKey(gmk, gmk_id, kdf::GukId(gmk, gmk_id, "sip:u" + std::to_string(i) + "@x"), rand, 4);
  };
  auto lookup = [&](ByteView mki) -> std::optional<MasterKey> {
    auto f = ParseMki(mki);
    if (!f || f->key_id != gmk_id || !f->guk_id) return std::nullopt;
    return GroupSenderMasterKey(gmk, gmk_id, *f->guk_id, rand, 4);
  };
  Receiver rx(8, lookup, /*max_senders=*/4);
  for (int i = 0; i < 10; ++i) {
    Sender s(member_key(i));
    ASSERT_TRUE(rx.UnprotectRtp(*s.ProtectRtp(RtpPacket(1, 100 + i, 10))).ok());
    EXPECT_LE(rx.sender_count(), 4u);
  }
  EXPECT_EQ(rx.sender_count(), 4u);
  EXPECT_EQ(rx.counters().evicted, 6u);
  Sender one(member_key(0));
  for (uint32_t ssrc = 0; ssrc < 3 * Receiver::kMaxSsrcsPerSender; ++ssrc)
    ASSERT_TRUE(rx.UnprotectRtp(*one.ProtectRtp(RtpPacket(static_cast<uint16_t>(ssrc + 1), ssrc, 10))).ok());
  EXPECT_LE(rx.stream_count(), 3 + Receiver::kMaxSsrcsPerSender);
}

// ---- receiver errors ----

class SrtpErrors : public ::testing::Test {
 protected:
  MasterKey mk_ = Key(4, 7);
  Sender tx_{mk_};
  Receiver rx_{4, [this](ByteView mki) -> std::optional<MasterKey> {
                 if (mki == ByteView(mk_.mki)) return mk_;
                 return std::nullopt;
               }};
};

TEST_F(SrtpErrors, ReplayTamperUnknownMkiTruncatedEachCounted) {
  const Bytes p1 = *tx_.ProtectRtp(RtpPacket(1, 5, 33));
  ASSERT_TRUE(rx_.UnprotectRtp(p1).ok());
  EXPECT_EQ(rx_.UnprotectRtp(p1).error(), Error::kReplayDetected);
  for (uint16_t s = 2; s < 100; ++s) ASSERT_TRUE(rx_.UnprotectRtp(*tx_.ProtectRtp(RtpPacket(s, 5, 33))).ok());
  EXPECT_EQ(rx_.UnprotectRtp(p1).error(), Error::kReplayTooOld);
  Bytes bad = *tx_.ProtectRtp(RtpPacket(100, 5, 33));
  bad[20] ^= 1;
  EXPECT_EQ(rx_.UnprotectRtp(bad).error(), Error::kAuthenticationFailed);
  bad[20] ^= 1;
  EXPECT_TRUE(rx_.UnprotectRtp(bad).ok());  // the forged copy did not consume the index
  Bytes unknown = *tx_.ProtectRtp(RtpPacket(101, 5, 33));
  unknown.back() ^= 1;  // the MKI names no key
  EXPECT_EQ(rx_.UnprotectRtp(unknown).error(), Error::kUnknownMki);
  EXPECT_EQ(rx_.UnprotectRtp(Bytes(20, 0x80)).error(), Error::kTruncated);
  EXPECT_EQ(rx_.UnprotectRtcp(Bytes(20, 0x80)).error(), Error::kTruncated);
  const Counters& c = rx_.counters();
  EXPECT_EQ(c.ok, 100u);
  EXPECT_EQ(c.replayed, 2u);
  EXPECT_EQ(c.auth_failed, 1u);
  EXPECT_EQ(c.unknown_mki, 1u);
  EXPECT_EQ(c.malformed, 2u);
}

TEST_F(SrtpErrors, WrongKeyIsAnAuthenticationFailure) {
  MasterKey other = Key(4, 8);
  other.mki = mk_.mki;  // same MKI, different key: a member that holds a stale GMK
  Sender wrong(other);
  EXPECT_EQ(rx_.UnprotectRtp(*wrong.ProtectRtp(RtpPacket(1, 5, 33))).error(), Error::kAuthenticationFailed);
  EXPECT_EQ(rx_.UnprotectRtcp(*wrong.ProtectRtcp(McptApp(5))).error(), Error::kAuthenticationFailed);
  Bytes rtcp = *tx_.ProtectRtcp(McptApp(5));
  ASSERT_TRUE(rx_.UnprotectRtcp(rtcp).ok());
  EXPECT_EQ(rx_.UnprotectRtcp(rtcp).error(), Error::kReplayDetected);
}

TEST_F(SrtpErrors, RocFollowsSequenceWrap) {
  for (uint32_t i = 0; i < 20; ++i) {
    const uint16_t seq = static_cast<uint16_t>(65530 + i);
    auto back = rx_.UnprotectRtp(*tx_.ProtectRtp(RtpPacket(seq, 9, 10)));
    ASSERT_TRUE(back.ok()) << seq << " " << ErrorName(back.error());
  }
  EXPECT_EQ(tx_.roc(), 1u);
}

TEST(SrtpReplayWindow, CheckAndAdd) {
  ReplayWindow w;
  EXPECT_TRUE(w.Check(10).ok());
  w.Add(10);
  EXPECT_EQ(w.Check(10).error(), Error::kReplayDetected);
  EXPECT_TRUE(w.Check(9).ok());
  w.Add(80);
  EXPECT_EQ(w.Check(10).error(), Error::kReplayTooOld);
  EXPECT_TRUE(w.Check(17).ok());
  w.Add(17);
  EXPECT_EQ(w.Check(17).error(), Error::kReplayDetected);
}

}  // namespace
}  // namespace mcx::security::srtp
