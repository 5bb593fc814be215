// Off-network private call set-up (TS 24.379 11.2) with a real KMS on a fake clock: the PCK in the
// setup request, retransmission on TFP1, no answer after CFP1, and a callee of another KMS domain.
#include "mcx/procedures/offnet/private_call_endpoint.h"

#include <gtest/gtest.h>

#include <map>

#include "mcx/crypto/rng.h"
#include "mcx/security/call_protection.h"
#include "mcx/security/kms.h"
#include "tests/support/fake_clock.h"

using namespace mcx::procedures;
using namespace mcx::codec;
using namespace mcx::crypto;
using namespace mcx::security;
using mcx::security::kms::Kms;

namespace {

// Two users of one KMS, a fake clock and a link that delivers after `delay_s` (or drops).
struct World {
  mcx::testing::FakeClock clock;
  double delay_s = 0.0365;
  uint32_t drop_first = 0;
  HmacDrbg rng{3, "monp"};
  const uint64_t unix0 = 1790000000;
  std::optional<Kms> kms;
  std::vector<mikey_sakke::KmsPublicInfo> info;
  std::map<std::string, std::unique_ptr<mikey_sakke::LocalIdentity>> ids;
  std::map<std::string, std::unique_ptr<PrivateCallEndpoint>> eps;
  std::vector<std::string> failures;
  double processing_s = 0;
  double tfp1_s = 0.040;

  World() {
    kms = std::move(Kms::Create("kms.example.org", KeyPeriod{2592000, 0}, rng)).value();
    info.push_back(*kms->certificate().PublicInfo());
  }
  uint64_t At(double d, std::function<void()> fn) { return clock.Schedule(d, std::move(fn)); }
  void Run(double until) { clock.RunUntil(until); }
  PrivateCallEndpoint& Add(const std::string& user, const std::string& addr, const Kms& issuer) {
    auto ks = issuer.Provision(user, UnixToNtpSeconds(unix0), rng);
    auto id = mikey_sakke::LocalIdentity::Create(ks->ToIdentityKeys(), *issuer.certificate().PublicInfo());
    ids[addr] = std::make_unique<mikey_sakke::LocalIdentity>(std::move(id).value());
    PrivateCallHooks h;
    h.timers = clock.AsTimers();
    h.send = [this, addr](const std::string& to, Bytes b) {
      if (drop_first > 0) return void(--drop_first);
      At(delay_s, [this, to, addr, b] { eps.at(to)->Receive(addr, b); });
    };
    h.work = [this](const CryptoWork& w, std::function<void()> then) {
      CostModel c;
      c.device_factor = 3;
      processing_s += c.Seconds(w);
      At(c.Seconds(w), std::move(then));
    };
    PrivateCallEndpoint::Config cfg;
    cfg.user_id = user;
    cfg.address = addr;
    cfg.unix_start = unix0;
    cfg.tfp1_s = tfp1_s;
    eps[addr] = std::make_unique<PrivateCallEndpoint>(cfg, *ids[addr], info, rng, h);
    eps[addr]->on_failed = [this](const std::string& why) { failures.push_back(why); };
    return *eps[addr];
  }
};

}  // namespace

TEST(PrivateCall, SetsUpWithThePckAndBothEndsHoldTheSameKey) {
  World w;
  auto& alice = w.Add("sip:alice@example.org", "10.0.0.1", *w.kms);
  auto& bob = w.Add("sip:bob@example.org", "10.0.0.2", *w.kms);
  std::optional<PrivateCallKeys> a, b;
  alice.on_established = [&](const PrivateCallKeys& k, const std::string& peer, const OffnetSdp& sdp, bool caller) {
    a = k;
    EXPECT_TRUE(caller);
    EXPECT_EQ(peer, "10.0.0.2");
    EXPECT_EQ(sdp.media_port, 49150);
  };
  bob.on_established = [&](const PrivateCallKeys& k, const std::string&, const OffnetSdp& sdp, bool caller) {
    b = k;
    EXPECT_FALSE(caller);
    EXPECT_EQ(sdp.address, "10.0.0.1");
  };
  alice.Call("sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  ASSERT_TRUE(a && b) << (w.failures.empty() ? "" : w.failures[0]);
  EXPECT_EQ(PurposeOfKeyId(a->pck_id), KeyPurpose::kPck);
  EXPECT_EQ(a->pck_id, b->pck_id);
  EXPECT_EQ(a->pck.view().ToBytes(), b->pck.view().ToBytes());
  EXPECT_EQ(a->rand, b->rand);
  // Setup = encapsulate+sign at alice, request, verify+decapsulate at bob, accept.
  EXPECT_NEAR(*alice.setup_s(), 2 * w.delay_s + w.processing_s, 1e-9);
  // Floor messages of the call: alice protects, bob opens (TS 33.180 7.4, the PCK).
  auto ca = CallProtection::ForPrivate(a->pck, a->pck_id, a->rand, true);
  auto cb = CallProtection::ForPrivate(b->pck, b->pck_id, b->rand, false);
  EXPECT_TRUE(cb.Unprotect(ca.Protect(mcx::codec::OffnetFloorRequest(1, "sip:alice@example.org", 1))->wire).ok());
}

TEST(PrivateCall, TheSetupRequestIsRepeatedOnTfp1) {
  // With TFP1 = 40 ms the answer to a repeated request (round trip ~73 ms plus ~10 ms of crypto)
  // comes after the caller gave up; a longer TFP1 lets the third request through.
  World w;
  w.drop_first = 2;
  w.tfp1_s = 0.150;
  auto& alice = w.Add("sip:alice@example.org", "10.0.0.1", *w.kms);
  w.Add("sip:bob@example.org", "10.0.0.2", *w.kms);
  bool up = false;
  alice.on_established = [&](const PrivateCallKeys&, const std::string&, const OffnetSdp&, bool) { up = true; };
  alice.Call("sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  EXPECT_TRUE(up);
  EXPECT_GT(*alice.setup_s(), 2 * 0.150);  // the third request got through
}

TEST(PrivateCall, NoAnswerAfterCfp1Requests) {
  World w;
  w.drop_first = 100;
  auto& alice = w.Add("sip:alice@example.org", "10.0.0.1", *w.kms);
  w.Add("sip:bob@example.org", "10.0.0.2", *w.kms);
  alice.Call("sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  ASSERT_EQ(w.failures.size(), 1u);
  EXPECT_EQ(w.failures[0], "no_answer");
}

TEST(PrivateCall, ACalleeOfAnotherKmsRejectsWithE2eSecurityFailure) {
  World w;
  HmacDrbg other_rng(9, "other");
  auto other = Kms::Create("kms.other.org", KeyPeriod{2592000, 0}, other_rng);
  auto& alice = w.Add("sip:alice@example.org", "10.0.0.1", *w.kms);
  // Mallory's key set comes from a KMS alice's domain does not know; she cannot open the PCK.
  w.info.clear();
  w.info.push_back(*other->certificate().PublicInfo());
  w.Add("sip:bob@example.org", "10.0.0.2", *other);
  alice.Call("sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  ASSERT_EQ(w.failures.size(), 2u);
  EXPECT_EQ(w.failures[0], "unknown_kms");
  EXPECT_EQ(w.failures[1], "rejected_e2e_security");
  EXPECT_FALSE(alice.established());
}
