// Off-network floor control (TS 24.380 clause 7) on a fake clock and an in-memory group, every
// floor message protected as SRTCP under the GMK-derived (or PCK) key.
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "mcx/procedures/offnet/offnet_floor_participant.h"
#include "mcx/security/call_protection.h"
#include "tests/support/fake_network.h"

using namespace mcx::procedures;
namespace security = mcx::security;
using mcx::crypto::Bytes;
using mcx::crypto::ByteView;
using mcx::crypto::Error;

namespace {

Bytes Fill(size_t n, uint8_t v) { return Bytes(n, v); }

// A group on a broadcast medium with a fixed one-way delay; each member protects what it sends
// and unprotects what it receives with its own CallProtection.
struct Group {
  mcx::testing::FakeNetwork net;
  double delay_s = 0.0365;  // the PC5 model's mean one-way latency at a 40 ms period
  struct Member {
    std::unique_ptr<security::CallProtection> crypto;
    std::unique_ptr<OffnetFloorParticipant> floor;
    std::vector<std::pair<FloorOutcome, double>> outcomes;
    uint64_t undecryptable = 0;
  };
  std::vector<std::unique_ptr<Member>> members;
  std::vector<Bytes> on_air;
  uint64_t plain_bytes = 0;
  bool queueing = false;  ///< members added from now on queue requests when they talk

  Member& Add(const std::string& user, uint8_t priority, ByteView gmk) {
    auto m = std::make_unique<Member>();
    Member* self = m.get();
    const Bytes rand = Fill(16, 0x42);
    m->crypto = std::make_unique<security::CallProtection>(security::CallProtection::ForGroup(gmk, 0x0a0b0c0d, rand, user));
    OffnetFloorConfig cfg;
    cfg.user_id = user;
    cfg.ssrc = 0x1000 + static_cast<uint32_t>(members.size());
    cfg.priority = priority;
    cfg.queueing = queueing;
    mcx::testing::FakeHost& host = net.Add("10.0.0." + std::to_string(members.size() + 1), members.size() + 1);
    OffnetFloorHooks hooks;
    hooks.send = [this, self](const mcx::codec::FloorMessage& msg) {
      auto p = self->crypto->Protect(msg);
      ASSERT_TRUE(p.ok());
      plain_bytes += p->sizes.plain;
      on_air.push_back(p->wire);
      const Bytes wire = p->wire;
      net.After(delay_s, [this, self, wire]() {
        for (auto& other : members) {
          if (other.get() == self) continue;
          auto got = other->crypto->Unprotect(wire);
          if (!got) {
            ++other->undecryptable;
            continue;
          }
          other->floor->Receive(*got);
        }
      });
    };
    m->floor = std::make_unique<OffnetFloorParticipant>(cfg, host, hooks);
    m->floor->on_outcome = [self](FloorOutcome o, double s) { self->outcomes.push_back({o, s}); };
    m->floor->Start();
    members.push_back(std::move(m));
    return *self;
  }
  // The talker's media (RTP) reaching the others.
  void Media(Member& from) {
    const uint32_t ssrc = 0x1000 + static_cast<uint32_t>(std::find_if(members.begin(), members.end(), [&](auto& m) {
                            return m.get() == &from;
                          }) - members.begin());
    for (auto& m : members)
      if (m.get() != &from) m->floor->MediaReceived(ssrc);
  }
};

const Bytes kGmk = Fill(16, 0x11);

}  // namespace

TEST(OffnetFloor, NoArbitratorMeansTheFloorIsTakenAfterC201TimesT201) {
  Group g;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 1, kGmk);
  a.floor->PressPtt();
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kPendingRequest);
  g.net.RunUntil(1.0);
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_EQ(a.outcomes[0].first, FloorOutcome::kTakenUnarbitrated);
  EXPECT_NEAR(a.outcomes[0].second, 3 * 0.040, 1e-9);  // the ~120 ms step of NIST's figure
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasPermission);
  EXPECT_EQ(a.floor->messages_sent(), 4u);  // three Floor Requests and a Floor Taken
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kHasNoPermission);
  EXPECT_EQ(b.floor->talker(), "sip:a@x");
}

TEST(OffnetFloor, TheTalkerDeniesAnEqualPriorityRequest) {
  Group g;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 1, kGmk);
  a.floor->PressPtt();
  g.net.RunUntil(0.5);
  b.floor->PressPtt();
  g.net.RunUntil(1.0);
  ASSERT_EQ(b.outcomes.size(), 1u);
  EXPECT_EQ(b.outcomes[0].first, FloorOutcome::kDenied);
  EXPECT_NEAR(b.outcomes[0].second, 2 * g.delay_s, 1e-9);  // request there, deny back
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kHasNoPermission);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasPermission);
}

TEST(OffnetFloor, HigherPriorityPreemptsAndTheOldTalkerWaitsForItsMedia) {
  Group g;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 5, kGmk);
  auto& c = g.Add("sip:c@x", 1, kGmk);
  a.floor->PressPtt();
  g.net.RunUntil(0.5);
  b.floor->PressPtt();
  g.net.RunUntil(0.5 + 2 * g.delay_s + 0.001);
  ASSERT_EQ(b.outcomes.size(), 1u);
  EXPECT_EQ(b.outcomes[0].first, FloorOutcome::kGranted);
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kHasPermission);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kPendingGranted);
  g.Media(b);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasNoPermission);
  EXPECT_EQ(c.floor->state(), OffnetFloorState::kHasNoPermission);
}

TEST(OffnetFloor, WithQueueingTheTalkerQueuesAndGrantsInTurn) {
  Group g;
  g.queueing = true;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 1, kGmk);
  auto& c = g.Add("sip:c@x", 1, kGmk);
  a.floor->PressPtt();
  g.net.RunUntil(0.5);
  g.Media(a);
  b.floor->PressPtt();
  g.net.RunUntil(0.6);
  c.floor->PressPtt();
  g.net.RunUntil(0.7);
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kQueued);  // Floor Queue Position Info, position 1
  EXPECT_EQ(c.floor->state(), OffnetFloorState::kQueued);  // position 2
  EXPECT_TRUE(b.outcomes.empty());
  a.floor->ReleasePtt();  // a grants b (the first queued) instead of going silent
  g.net.RunUntil(0.8);
  ASSERT_EQ(b.outcomes.size(), 1u);
  EXPECT_EQ(b.outcomes[0].first, FloorOutcome::kGrantedAfterQueue);
  EXPECT_NEAR(b.outcomes[0].second, 0.7 - 0.5 + g.delay_s, 1e-9);  // from the press to a's grant arriving
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kHasPermission);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kPendingGranted);
  g.net.RunUntil(0.9);  // a repeats its grant on T205 until b's media arrives; b ignores the repeat
  g.Media(b);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasNoPermission);
  // c saw the floor go to b and asked b, which queued it.
  EXPECT_EQ(c.floor->state(), OffnetFloorState::kQueued);
  b.floor->ReleasePtt();
  g.net.RunUntil(1.1);
  ASSERT_EQ(c.outcomes.size(), 1u);
  EXPECT_EQ(c.outcomes[0].first, FloorOutcome::kGrantedAfterQueue);
  EXPECT_EQ(c.floor->state(), OffnetFloorState::kHasPermission);
  EXPECT_EQ(a.floor->duplicate_arbitrators() + b.floor->duplicate_arbitrators() + c.floor->duplicate_arbitrators(), 0u);
}

TEST(OffnetFloor, AQueuedUserWhoLetsGoLeavesTheQueue) {
  Group g;
  g.queueing = true;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 1, kGmk);
  a.floor->PressPtt();
  g.net.RunUntil(0.5);
  b.floor->PressPtt();
  g.net.RunUntil(0.6);
  ASSERT_EQ(b.floor->state(), OffnetFloorState::kQueued);
  b.floor->ReleasePtt();  // Floor Release: a drops b from its queue
  g.net.RunUntil(0.7);
  ASSERT_EQ(b.outcomes.size(), 1u);
  EXPECT_EQ(b.outcomes[0].first, FloorOutcome::kAbandoned);
  a.floor->ReleasePtt();  // nobody queued: Floor Release, silence
  g.net.RunUntil(0.8);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kSilence);
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kSilence);
}

TEST(OffnetFloor, ReleaseAndEndOfMediaReturnToSilence) {
  Group g;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 1, kGmk);
  a.floor->PressPtt();
  g.net.RunUntil(0.5);
  a.floor->ReleasePtt();
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kSilence);
  g.net.RunUntil(0.6);
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kSilence);
  // A talker that vanishes without a Floor Release: T203 (4 s) after its last media.
  b.floor->PressPtt();
  g.net.RunUntil(1.0);
  g.Media(b);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasNoPermission);
  g.net.RunUntil(1.0 + 3.9);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasNoPermission);
  g.net.RunUntil(1.0 + 4.1);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kSilence);
}

TEST(OffnetFloor, StopTalkingTimersEndALongTalk) {
  Group g;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  g.Add("sip:b@x", 1, kGmk);
  a.floor->PressPtt();
  g.net.RunUntil(0.2 + 26.9);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasPermission);
  g.net.RunUntil(0.2 + 30.1);  // T206 27 s + T207 3 s
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kSilence);
}

TEST(OffnetFloor, SimultaneousRequestsWithoutArbitratorGiveTwoTalkers) {
  // The risk studied by Sun et al. (WCMC 2019): both take the floor after C201.
  Group g;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 1, kGmk);
  a.floor->PressPtt();
  b.floor->PressPtt();
  g.net.RunUntil(1.0);
  EXPECT_EQ(a.floor->state(), OffnetFloorState::kHasPermission);
  EXPECT_EQ(b.floor->state(), OffnetFloorState::kHasPermission);
  EXPECT_GT(a.floor->duplicate_arbitrators() + b.floor->duplicate_arbitrators(), 0u);
}

TEST(OffnetFloor, EveryFloorMessageOnAirIsSrtcpUnderTheGmk) {
  Group g;
  auto& a = g.Add("sip:a@x", 1, kGmk);
  auto& b = g.Add("sip:b@x", 1, kGmk);
  auto& outsider = g.Add("sip:eve@x", 1, Fill(16, 0x99));  // holds another GMK (same GMK-ID)
  a.floor->PressPtt();
  g.net.RunUntil(0.5);
  b.floor->PressPtt();
  g.net.RunUntil(1.0);
  a.floor->ReleasePtt();
  g.net.RunUntil(1.5);
  ASSERT_GE(g.on_air.size(), 6u);
  for (const Bytes& wire : g.on_air) {
    // The APP name and fields are encrypted: a plain decoder does not see an MCPT message.
    EXPECT_FALSE(mcx::codec::Decode(wire).ok());
    // ... || 16-byte tag || E=1 and the SRTCP index || 8-byte MKI = GMK-ID || the sender's GUK-ID.
    EXPECT_EQ(wire[wire.size() - 12] & 0x80, 0x80);
    EXPECT_EQ(Bytes(wire.end() - 8, wire.end() - 4), (Bytes{0x0a, 0x0b, 0x0c, 0x0d}));
  }
  EXPECT_EQ(g.on_air.size() * 28, [&] {
    size_t wire = 0;
    for (const Bytes& w : g.on_air) wire += w.size();
    return wire - g.plain_bytes;
  }());
  EXPECT_EQ(outsider.undecryptable, g.on_air.size() - outsider.floor->messages_sent());
  EXPECT_EQ(outsider.crypto->counters().auth_failed, outsider.undecryptable);
  EXPECT_EQ(outsider.floor->state(), OffnetFloorState::kSilence);  // it never learnt of the talk
  EXPECT_EQ(a.undecryptable, 0u);
  EXPECT_EQ(b.undecryptable, 0u);
}

TEST(OffnetFloor, PrivateCallKeysWorkBothWaysAndOnlyWithThePck) {
  const Bytes pck = Fill(16, 0x23), rand = Fill(16, 0x05);
  auto caller = security::CallProtection::ForPrivate(pck, 0x1abcdef0, rand, true);
  auto callee = security::CallProtection::ForPrivate(pck, 0x1abcdef0, rand, false);
  auto stranger = security::CallProtection::ForPrivate(Fill(16, 0x24), 0x1abcdef0, rand, false);
  const auto req = mcx::codec::OffnetFloorRequest(0x77, "sip:a@x", 1);
  auto wire = caller.Protect(req);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(wire->sizes.overhead(), 24u);  // 32-bit MKI: the PCK-ID
  auto got = callee.Unprotect(wire->wire);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->type(), mcx::codec::FloorMsgType::kRequest);
  EXPECT_EQ(got->Text(mcx::codec::FieldId::kUserId), "sip:a@x");
  auto back = caller.Unprotect(callee.Protect(mcx::codec::OffnetFloorRelease(0x88, "sip:b@x"))->wire);
  EXPECT_TRUE(back.ok());
  auto bad = stranger.Unprotect(wire->wire);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), Error::kAuthenticationFailed);
  // Replaying the same packet to the callee is caught.
  auto replay = callee.Unprotect(wire->wire);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error(), Error::kReplayDetected);
}

// TS 33.180 5.7 / 5.2.4 off-network: messages go out under the group's GMK active now, a
// received one is opened under the GMK its MKI names, and expired or revoked GMKs are refused.
TEST(OffnetFloor, HeldGmksFollowActivationExpiryAndRevocation) {
  auto gmk = [](uint32_t id, uint8_t fill, uint64_t activation, uint64_t expiry) {
    mcx::security::StoredKey k;
    k.purpose = mcx::security::KeyPurpose::kGmk;
    k.key_id = id;
    k.key = mcx::crypto::SecretBytes(ByteView(Fill(16, fill)));
    k.rand = Fill(16, static_cast<uint8_t>(fill + 1));
    k.group_uri = "sip:g@x";
    k.activation_time = activation;
    k.expiry_time = expiry;
    return k;
  };
  uint64_t now = 1000;
  auto clock = [&now]() { return now; };
  // The stay-at-home member holds the old and the new GMK; the one that left early only the old.
  auto both = std::make_shared<mcx::security::KeyStore>();
  ASSERT_TRUE(both->Put(gmk(0x01000001, 0x11, 0, 2000)).ok());
  ASSERT_TRUE(both->Put(gmk(0x01000002, 0x22, 1500, 0)).ok());
  auto old_only = std::make_shared<mcx::security::KeyStore>();
  ASSERT_TRUE(old_only->Put(gmk(0x01000001, 0x11, 0, 2000)).ok());
  auto home = security::CallProtection::ForGroup(both, "sip:g@x", "sip:home@x", clock);
  auto away = security::CallProtection::ForGroup(old_only, "sip:g@x", "sip:away@x", clock);
  auto other_group = security::CallProtection::ForGroup(both, "sip:h@x", "sip:h@x", clock);
  const auto msg = mcx::codec::OffnetFloorRequest(0x77, "sip:home@x", 1);

  EXPECT_FALSE(other_group.CanSend());  // no GMK of its group
  ASSERT_FALSE(other_group.Protect(msg).ok());
  EXPECT_EQ(other_group.Protect(msg).error(), Error::kKeyNotFound);

  // Before the new GMK's activation both send under the old one and understand each other.
  EXPECT_EQ(home.SendingKeyId(), 0x01000001u);
  EXPECT_TRUE(away.Unprotect(home.Protect(msg)->wire).ok());
  EXPECT_TRUE(home.Unprotect(away.Protect(msg)->wire).ok());

  // After it, home switches; away cannot open home's messages but home still opens away's.
  now = 1600;
  EXPECT_EQ(home.SendingKeyId(), 0x01000002u);
  auto wire = home.Protect(msg);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(Bytes(wire->wire.end() - 8, wire->wire.end() - 4), (Bytes{0x01, 0x00, 0x00, 0x02}));
  auto lost = away.Unprotect(wire->wire);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error(), Error::kUnknownMki);
  EXPECT_TRUE(home.Unprotect(away.Protect(msg)->wire).ok());

  // Once the old GMK expires, away can neither send nor be heard; home refuses the old key.
  auto late = away.Protect(msg);  // made just before expiry
  now = 2000;
  EXPECT_FALSE(away.CanSend());
  EXPECT_EQ(away.Protect(msg).error(), Error::kKeyNotFound);
  EXPECT_EQ(home.Unprotect(late->wire).error(), Error::kKeyExpired);
  auto rtp = Bytes{0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0x10, 0};
  rtp.resize(40, 0);
  auto media = home.ProtectMedia(rtp);
  ASSERT_TRUE(media.ok());
  EXPECT_EQ(away.UnprotectMedia(*media).error(), Error::kUnknownMki);

  // A revoked GMK: nothing more is opened under it.
  mcx::security::StoredKey revoked = gmk(0x01000003, 0x33, 0, 0);
  auto revStore = std::make_shared<mcx::security::KeyStore>();
  ASSERT_TRUE(revStore->Put(revoked).ok());
  auto sender = security::CallProtection::ForGroup(revStore, "sip:g@x", "sip:s@x", clock);
  auto sent = sender.Protect(msg);
  ASSERT_TRUE(sent.ok());
  revoked.revoked = true;
  auto revokedStore = std::make_shared<mcx::security::KeyStore>();
  ASSERT_TRUE(revokedStore->Put(revoked).ok());
  auto listener = security::CallProtection::ForGroup(revokedStore, "sip:g@x", "sip:l@x", clock);
  EXPECT_EQ(listener.Unprotect(sent->wire).error(), Error::kKeyRevoked);
}
