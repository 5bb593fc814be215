// Floor control messages as SRTCP (TS 33.180 9.4, TS 24.380 13): the overhead, and tampered,
// replayed and wrong-key packets rejected with counted errors while the receiver keeps working.
#include "mcx/security/floor_protection.h"

#include "mcx/security/call_protection.h"
#include "mcx/security/control_protection.h"
#include "mcx/security/identity.h"
#include "mcx/security/key_policy.h"
#include "mcx/security/srtp_keys.h"

#include <gtest/gtest.h>

#include "mcx/crypto/rng.h"

namespace mcx::security {
namespace {

TEST(ProtectedFloor, SrtcpOverheadAndRejections) {
  crypto::HmacDrbg rng(3, "floor");
  srtp::MasterKey csk{*rng.Generate(16), *rng.Generate(12), {0x2a, 0x00, 0x00, 0x01}};  // CSK-ID MKI
  srtp::Sender tx(csk);
  srtp::Receiver rx(4, [&](ByteView mki) -> std::optional<srtp::MasterKey> {
    if (mki == ByteView(csk.mki)) return csk;
    return std::nullopt;
  });
  auto p = ProtectFloor(tx, codec::FloorRequest(0x1001, 5));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->sizes.plain, 20u);
  EXPECT_EQ(p->sizes.wire, 20u + 16 + 4 + 4);  // tag, E||index, 32-bit MKI
  EXPECT_EQ(p->sizes.overhead(), 24u);
  auto got = UnprotectFloor(rx, p->wire);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->type(), codec::FloorMsgType::kRequest);
  EXPECT_EQ(UnprotectFloor(rx, p->wire).error(), Error::kReplayDetected);
  Bytes tampered = ProtectFloor(tx, codec::FloorRelease(0x1001))->wire;
  tampered[12] ^= 0x20;
  EXPECT_EQ(UnprotectFloor(rx, tampered).error(), Error::kAuthenticationFailed);
  srtp::MasterKey other = csk;
  other.key[0] ^= 1;
  srtp::Sender wrong(other);
  wrong.set_srtcp_index(1000);  // a fresh index: the replay check (which comes first) passes
  EXPECT_EQ(UnprotectFloor(rx, ProtectFloor(wrong, codec::FloorRelease(0x1001))->wire).error(), Error::kAuthenticationFailed);
  // ... and it keeps working afterwards.
  EXPECT_TRUE(UnprotectFloor(rx, ProtectFloor(tx, codec::FloorIdle(0x1001, 3))->wire).ok());
  EXPECT_EQ(rx.counters().ok, 2u);
  EXPECT_EQ(rx.counters().auth_failed, 2u);
  EXPECT_EQ(rx.counters().replayed, 1u);
}

TEST(CallProtection, AGroupCallOpensOnlyItsGroupsGmk) {
  // A device in two groups holds both GMKs: a packet under the other group's GMK is refused in
  // this group's call, as are those under a revoked or expired GMK of the group.
  auto store = std::make_shared<KeyStore>();
  auto gmk = [&](uint32_t id, uint8_t fill, const char* group) {
    StoredKey k;
    k.purpose = KeyPurpose::kGmk;
    k.key_id = id;
    k.key = SecretBytes(Bytes(16, fill));
    k.rand = Bytes(16, static_cast<uint8_t>(fill + 1));
    k.group_uri = group;
    return k;
  };
  ASSERT_TRUE(store->Put(gmk(0x01000001, 1, "sip:g@x")).ok());
  ASSERT_TRUE(store->Put(gmk(0x01000002, 2, "sip:h@x")).ok());
  auto now = [] { return uint64_t{1790000000}; };
  CallProtection in_g = CallProtection::ForGroup(store, "sip:g@x", "sip:a@x", now);
  CallProtection g_sender = CallProtection::ForGroup(store, "sip:g@x", "sip:b@x", now);
  CallProtection h_sender = CallProtection::ForGroup(store, "sip:h@x", "sip:b@x", now);
  const auto from_g = g_sender.Protect(codec::FloorRequest(0x1001, 5));
  const auto from_h = h_sender.Protect(codec::FloorRequest(0x1002, 5));
  ASSERT_TRUE(from_g.ok() && from_h.ok());
  EXPECT_TRUE(in_g.Unprotect(from_g->wire).ok());
  EXPECT_EQ(in_g.Unprotect(from_h->wire).error(), Error::kGroupMismatch);
  const Bytes rtp = {0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0x10, 0x02, 0xaa};
  auto media_h = h_sender.ProtectMedia(rtp);
  ASSERT_TRUE(media_h.ok());
  EXPECT_EQ(in_g.UnprotectMedia(*media_h).error(), Error::kGroupMismatch);
}

TEST(CallProtection, AGmkActiveAgainContinuesItsIndices) {
  // GMK A (no expiry) is replaced by B for a while; when B expires A is the active one again.
  // The sender must go on with A's SRTCP index and RTP ROC where it left them: starting over would
  // use AES-GCM nonces twice under one key (RFC 7714 8.1) and receivers would refuse the packets
  // as replays. (Found by tests/fuzz/call_protection.)
  constexpr uint64_t kT0 = 1790000000;
  auto store = std::make_shared<KeyStore>();
  auto gmk = [&](uint32_t id, uint8_t fill, uint64_t activation, uint64_t expiry) {
    StoredKey k;
    k.purpose = KeyPurpose::kGmk;
    k.key_id = id;
    k.key = SecretBytes(Bytes(16, fill));
    k.rand = Bytes(16, static_cast<uint8_t>(fill + 1));
    k.group_uri = "sip:g@x";
    k.activation_time = activation;
    k.expiry_time = expiry;
    return k;
  };
  ASSERT_TRUE(store->Put(gmk(0x01000001, 1, 0, 0)).ok());
  ASSERT_TRUE(store->Put(gmk(0x01000002, 2, kT0 + 10, kT0 + 20)).ok());
  uint64_t t = kT0;
  auto now = [&t] { return t; };
  CallProtection rx = CallProtection::ForGroup(store, "sip:g@x", "sip:a@x", now);
  CallProtection tx = CallProtection::ForGroup(store, "sip:g@x", "sip:b@x", now);
  auto send = [&](uint16_t seq) {
    auto floor = tx.Protect(codec::FloorIdle(0x1001, seq));
    const Bytes rtp = {0x80, 0x60, 0, static_cast<uint8_t>(seq), 0, 0, 0, 1, 0, 0, 0x10, 0x01, 0xaa};
    auto media = tx.ProtectMedia(rtp);
    ASSERT_TRUE(floor.ok() && media.ok());
    EXPECT_TRUE(rx.Unprotect(floor->wire).ok()) << "seq " << seq;
    EXPECT_TRUE(rx.UnprotectMedia(*media).ok()) << "seq " << seq;
  };
  send(1);
  send(2);
  t = kT0 + 15;
  EXPECT_EQ(tx.SendingKeyId(), 0x01000002u);
  send(3);
  t = kT0 + 25;
  EXPECT_EQ(tx.SendingKeyId(), 0x01000001u);
  send(4);
  send(5);
  EXPECT_EQ(rx.counters().replayed, 0u);
  EXPECT_EQ(rx.counters().ok, 10u);
}

// On-network floor control under a client's CSK (TS 24.380 13.1): both ends share the CSK's
// master key (CS-ID 6, CSB-ID = CSK-ID, MKI = CSK-ID) and send with their own SSRCs.
TEST(ProtectedFloor, UnderTheCskBothWays) {
  crypto::HmacDrbg rng(4, "csk");
  StoredKey csk;
  csk.purpose = KeyPurpose::kCsk;
  csk.key_id = *NewKeyId(KeyPurpose::kCsk, rng);
  csk.key = *rng.Generate(16);
  const auto rand = *rng.Generate(16);
  csk.rand = Bytes(rand.view().begin(), rand.view().end());
  auto client = ControlProtection::ForCsk(csk);
  auto server = ControlProtection::ForCsk(csk);
  ASSERT_TRUE(client.ok() && server.ok());
  EXPECT_EQ(client->key_id(), csk.key_id);
  auto up = client->Protect(codec::FloorRequest(0x1001, 3));
  auto down = server->Protect(codec::FloorGranted(0x5e, 30, 3));
  ASSERT_TRUE(up.ok() && down.ok());
  EXPECT_EQ(up->sizes.wire - up->sizes.plain, 24u);
  // The MKI on the wire is the CSK-ID, and the key is the one the policy names (CS-ID 6).
  EXPECT_EQ(Bytes(up->wire.end() - 4, up->wire.end()), KeyIdMki(csk.key_id));
  policy::Traffic t;
  t.plane = policy::Plane::kControl;
  EXPECT_EQ(policy::Select(t)->cs_id, 6);
  srtp::Receiver rx(4, [&](ByteView) { return std::optional(KeyIdMasterKey(csk.key, csk.key_id, csk.rand, 6)); });
  EXPECT_TRUE(UnprotectFloor(rx, up->wire).ok());
  EXPECT_EQ(server->Unprotect(up->wire)->type(), codec::FloorMsgType::kRequest);
  EXPECT_EQ(client->Unprotect(down->wire)->type(), codec::FloorMsgType::kGranted);
  EXPECT_EQ(server->Unprotect(up->wire).error(), Error::kReplayDetected);
  // Another client's CSK does not open it; a key that is not a CSK is refused.
  StoredKey other = csk;
  other.key_id = *NewKeyId(KeyPurpose::kCsk, rng);
  EXPECT_EQ(ControlProtection::ForCsk(other)->Unprotect(down->wire).error(), Error::kUnknownMki);
  StoredKey gmk = csk;
  gmk.purpose = KeyPurpose::kGmk;
  EXPECT_EQ(ControlProtection::ForCsk(gmk).error(), Error::kUnsupportedValue);
}

}  // namespace
}  // namespace mcx::security
