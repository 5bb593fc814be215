// Off-network private call set-up (TS 24.379 11.2) with a real KMS on a fake clock: the PCK in the
// setup request, retransmission on TFP1, no answer after CFP1, and a callee of another KMS domain.
#include "mcx/procedures/offnet/private_call_endpoint.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>

#include "mcx/crypto/rng.h"
#include "mcx/security/call_protection.h"
#include "mcx/security/kms.h"
#include "mcx/security/naming_plan.h"
#include "tests/support/fake_network.h"

using namespace mcx::procedures;
using namespace mcx::codec;
using namespace mcx::crypto;
using namespace mcx::security;
using mcx::security::kms::Kms;

namespace {

// Two users of one KMS on fake hosts and a link that delivers after `delay_s` (or drops).
struct World {
  mcx::testing::FakeNetwork net;
  double delay_s = 0.0365;
  uint32_t drop_first = 0;
  HmacDrbg rng{3, "monp"};
  const uint64_t unix0 = naming::kEpochUnix;
  std::optional<Kms> kms;
  std::vector<mikey_sakke::KmsPublicInfo> info;
  std::map<std::string, std::unique_ptr<mikey_sakke::LocalIdentity>> ids;
  std::map<std::string, std::unique_ptr<PrivateCallEndpoint>> eps;
  std::vector<std::string> failures;
  double tfp1_s = 0.040;
  /// Sees every datagram the endpoints send (source, destination, bytes).
  std::function<void(const mcx::testing::Endpoint&, const mcx::testing::Endpoint&, const Bytes&)> tap;

  World() {
    kms = std::move(Kms::Create(naming::KmsUri(), naming::DefaultKeyPeriod(), rng)).value();
    info.push_back(*kms->certificate().PublicInfo());
    net.start_unix = unix0;
    net.route_datagram = [this](mcx::testing::FakeHost& from, uint16_t port, const mcx::testing::Endpoint& to,
                                const Bytes& b) {
      if (drop_first > 0) return void(--drop_first);
      const mcx::testing::Endpoint src{from.ip(), port};
      if (tap) tap(src, to, b);
      net.After(delay_s, [this, to, src, b] {
        if (auto* h = net.Find(to.host)) h->DeliverDatagram(to.port, src, b);  // none: an attacker's address
      });
    };
  }
  void Run(double until) { net.RunUntil(until); }
  /// The crypto both ends computed (simulated seconds).
  double ProcessingS() { return net.Find("10.0.0.1")->crypto_seconds + net.Find("10.0.0.2")->crypto_seconds; }
  PrivateCallEndpoint& Add(const std::string& user, const std::string& addr, const Kms& issuer) {
    auto ks = issuer.Provision(user, UnixToNtpSeconds(unix0), rng);
    auto id = mikey_sakke::LocalIdentity::Create(ks->ToIdentityKeys(), *issuer.certificate().PublicInfo());
    ids[addr] = std::make_unique<mikey_sakke::LocalIdentity>(std::move(id).value());
    CostModel handset;
    handset.device_factor = 3;
    mcx::testing::FakeHost& host = net.Add(addr, eps.size() + 1, handset);
    PrivateCallEndpoint::Config cfg;
    cfg.user_id = user;
    cfg.address = addr;
    cfg.tfp1_s = tfp1_s;
    eps[addr] = std::make_unique<PrivateCallEndpoint>(cfg, *ids[addr], info, host);
    PrivateCallEndpoint* ep = eps[addr].get();
    host.OpenDatagram(mcx::codec::kMonpPort,
                      [ep](const mcx::testing::Endpoint& from, ByteView b) { ep->Receive(from.host, b); });
    ep->on_failed = [this](const std::string& why) { failures.push_back(why); };
    return *ep;
  }
  /// Calls as the caller's application does: one job on its host.
  void Call(PrivateCallEndpoint& from, const std::string& from_addr, const std::string& callee, const std::string& to) {
    net.Find(from_addr)->Dispatch([&] { from.Call(callee, to); });
  }
};

}  // namespace

TEST(PrivateCall, SetsUpWithThePckAndBothEndsHoldTheSameKey) {
  World w;
  auto& alice = w.Add("sip:alice@example.org", "10.0.0.1", *w.kms);
  auto& bob = w.Add("sip:bob@example.org", "10.0.0.2", *w.kms);
  std::optional<PrivateCallKeys> a, b;
  alice.on_established = [&](const PrivateCallKeys& k, const std::string& peer, const McpttSdp& sdp, bool caller) {
    a = k;
    EXPECT_TRUE(caller);
    EXPECT_EQ(peer, "10.0.0.2");
    EXPECT_EQ(sdp.media_port, 49150);
  };
  bob.on_established = [&](const PrivateCallKeys& k, const std::string&, const McpttSdp& sdp, bool caller) {
    b = k;
    EXPECT_FALSE(caller);
    EXPECT_EQ(sdp.address, "10.0.0.1");
  };
  w.Call(alice, "10.0.0.1", "sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  ASSERT_TRUE(a && b) << (w.failures.empty() ? "" : w.failures[0]);
  EXPECT_EQ(PurposeOfKeyId(a->pck_id), KeyPurpose::kPck);
  EXPECT_EQ(a->pck_id, b->pck_id);
  EXPECT_EQ(a->pck.view().ToBytes(), b->pck.view().ToBytes());
  EXPECT_EQ(a->rand, b->rand);
  // Setup = encapsulate+sign at alice, request, verify+decapsulate at bob, accept.
  EXPECT_NEAR(*alice.setup_s(), 2 * w.delay_s + w.ProcessingS(), 1e-9);
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
  alice.on_established = [&](const PrivateCallKeys&, const std::string&, const McpttSdp&, bool) { up = true; };
  w.Call(alice, "10.0.0.1", "sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  EXPECT_TRUE(up);
  EXPECT_GT(*alice.setup_s(), 2 * 0.150);  // the third request got through
}

TEST(PrivateCall, NoAnswerAfterCfp1Requests) {
  World w;
  w.drop_first = 100;
  auto& alice = w.Add("sip:alice@example.org", "10.0.0.1", *w.kms);
  w.Add("sip:bob@example.org", "10.0.0.2", *w.kms);
  w.Call(alice, "10.0.0.1", "sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  ASSERT_EQ(w.failures.size(), 1u);
  EXPECT_EQ(w.failures[0], "no_answer");
}

TEST(PrivateCall, ACalleeOfAnotherKmsRejectsWithE2eSecurityFailure) {
  World w;
  HmacDrbg other_rng(9, "other");
  auto other = Kms::Create(naming::KmsUri(naming::kForeignDomain), naming::DefaultKeyPeriod(), other_rng);
  auto& alice = w.Add("sip:alice@example.org", "10.0.0.1", *w.kms);
  // Mallory's key set comes from a KMS alice's domain does not know; she cannot open the PCK.
  w.info.clear();
  w.info.push_back(*other->certificate().PublicInfo());
  w.Add("sip:bob@example.org", "10.0.0.2", *other);
  w.Call(alice, "10.0.0.1", "sip:bob@example.org", "10.0.0.2");
  w.Run(1.0);
  ASSERT_EQ(w.failures.size(), 2u);
  EXPECT_EQ(w.failures[0], "unknown_kms");
  EXPECT_EQ(w.failures[1], "rejected_e2e_security");
  EXPECT_FALSE(alice.established());
}

namespace {

const std::string kAlice = "sip:alice@example.org", kBob = "sip:bob@example.org";

/// The call identifier alice's first call will use (her host's DRBG draws the same in every World).
uint16_t AlicesFirstCallId() {
  World w;
  auto& alice = w.Add(kAlice, "10.0.0.1", *w.kms);
  w.Add(kBob, "10.0.0.2", *w.kms);
  std::optional<uint16_t> id;
  w.tap = [&](const mcx::testing::Endpoint& from, const mcx::testing::Endpoint&, const Bytes& b) {
    auto m = DecodeMonp(b);
    if (from.host == "10.0.0.1" && m && m->type == MonpType::kPrivateCallSetupRequest && !id) id = m->call_id;
  };
  w.Call(alice, "10.0.0.1", kBob, "10.0.0.2");
  w.Run(1.0);
  EXPECT_TRUE(id.has_value());
  return id.value_or(0);
}

/// A SETUP REQUEST naming alice as the caller, with an offer that carries no key.
Bytes ForgedSetup(uint16_t call_id) {
  MonpPrivateCallMessage m;
  m.type = MonpType::kPrivateCallSetupRequest;
  m.call_id = call_id;
  m.caller = kAlice;
  m.callee = kBob;
  m.sdp = McpttSdp{"10.0.0.66", 49150, 49151, {}, {}}.Text();
  return Encode(m);
}

}  // namespace

TEST(PrivateCall, ForgedSetupRequestsForEveryCallIdDoNotAnswerTheGenuineCall) {
  // Mallory sends a SETUP REQUEST in alice's name for every one of the 65,536 call identifiers,
  // then once more with the very identifier alice is about to use. Before, the callee cached its
  // REJECT by call identifier alone, forever: alice's genuine request got the cached REJECT.
  const uint16_t next_id = AlicesFirstCallId();
  World w;
  auto& alice = w.Add(kAlice, "10.0.0.1", *w.kms);
  auto& bob = w.Add(kBob, "10.0.0.2", *w.kms);
  mcx::testing::FakeHost& bob_host = *w.net.Find("10.0.0.2");
  const mcx::testing::Endpoint mallory{"10.0.0.66", mcx::codec::kMonpPort};
  for (uint32_t id = 0; id <= 0xffff; ++id) {
    bob_host.DeliverDatagram(mcx::codec::kMonpPort, mallory, ForgedSetup(static_cast<uint16_t>(id)));
    ASSERT_LE(bob.answered_count(), PrivateCallEndpoint::kMaxAnswers);  // bounded throughout
  }
  EXPECT_EQ(w.failures.size(), 65536u);  // each forged request rejected ("no_key_in_offer")
  w.Run(0.100);
  bob_host.DeliverDatagram(mcx::codec::kMonpPort, mallory, ForgedSetup(next_id));
  // A retransmission of one request is still answered from the cache (no second rejection).
  bob_host.DeliverDatagram(mcx::codec::kMonpPort, mallory, ForgedSetup(next_id));
  EXPECT_EQ(w.failures.size(), 65537u);
  std::optional<PrivateCallKeys> a, b;
  int bob_established = 0;
  alice.on_established = [&](const PrivateCallKeys& k, const std::string&, const McpttSdp&, bool) { a = k; };
  bob.on_established = [&](const PrivateCallKeys& k, const std::string&, const McpttSdp&, bool) {
    b = k;
    ++bob_established;
  };
  Bytes genuine;
  w.tap = [&](const mcx::testing::Endpoint& from, const mcx::testing::Endpoint&, const Bytes& bytes) {
    auto m = DecodeMonp(bytes);
    if (from.host == "10.0.0.1" && m && m->type == MonpType::kPrivateCallSetupRequest) genuine = bytes;
  };
  w.Call(alice, "10.0.0.1", kBob, "10.0.0.2");
  w.Run(1.0);
  ASSERT_TRUE(a && b) << w.failures.back();
  EXPECT_EQ(a->pck_id, b->pck_id);
  EXPECT_EQ(bob_established, 1);
  // Answers expire (2 x TFP1 x CFP1), but not the established call's: a repeat of the genuine
  // request later in the call is answered from the cache, not set up a second time.
  EXPECT_LE(bob.answered_count(), PrivateCallEndpoint::kMaxAnswers);
  w.Run(5.0);
  ASSERT_FALSE(genuine.empty());
  bob_host.DeliverDatagram(mcx::codec::kMonpPort, mcx::testing::Endpoint{"10.0.0.1", mcx::codec::kMonpPort}, genuine);
  EXPECT_EQ(bob_established, 1);
  EXPECT_EQ(bob.answered_count(), 1u);  // every forged answer expired; the call's stays
}
