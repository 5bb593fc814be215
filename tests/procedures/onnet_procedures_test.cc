// The MCX key-management procedures without ns-3: KMS provisioning, REGISTER with CSK upload,
// GMK distribution by SIP push and HTTP pull, rekey, member leave, revocation, error reports to
// the GMS, and SIP retransmission over a lossy network.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "tests/support/fake_network.h"
#include "mcx/procedures/onnet/gms_service.h"
#include "mcx/procedures/onnet/kms_service.h"
#include "mcx/procedures/onnet/mcx_server.h"
#include "mcx/procedures/onnet/ue_client.h"
#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/transport/sip_util.h"
#include "mcx/security/domain.h"
#include "mcx/security/naming_plan.h"

namespace mcx::testing {
namespace {

using namespace procedures;

const std::string kKmsUri = security::naming::KmsUri();
const std::string kGroup = security::naming::UserUri("fire-crew");

Provisioned ProvisionOn(FakeNetwork& net, FakeHost& node, const std::string& uri) {
  std::optional<Provisioned> out;
  auto client = std::make_shared<KmsClient>(node, Endpoint{"10.0.0.1", 443}, kKmsUri, uri);
  node.Dispatch([&] {
    client->Provision([&](crypto::Result<Provisioned> p) {
      if (p) out = *p;
    });
  });
  net.RunUntil(net.now() + 5);
  if (!out) throw std::runtime_error("provisioning " + uri);
  return *out;
}

struct World {
  /// taken_csk_id: the MCX server already holds another client's CSK with this ID.
  explicit World(GmkTransport transport, int members, std::string gms_identity = security::naming::GmsUri(),
                 uint32_t taken_csk_id = 0) {
    auto& kms_node = net.Add("10.0.0.1", 1);
    crypto::HmacDrbg kms_rng(99, "kms");
    kms = std::make_unique<KmsService>(kms_node, *security::kms::Kms::Create(kKmsUri, security::naming::DefaultKeyPeriod(), kms_rng));
    kms_node.http_handler = [this](const HttpRequest& r) { return kms->Handle(r); };
    auto& gms_node = net.Add("10.0.0.2", 2);
    auto& mcx_node = net.Add("10.0.0.3", 3);
    GmsConfig gc;
    gc.gms_uri = gms_identity;
    gc.transport = transport;
    gms = std::make_unique<GmsService>(gms_node, gms_node.sip(), gc, ProvisionOn(net, gms_node, gms_identity));
    gms_node.sip_handler = [this](const Endpoint& f, const SipMessage& m) { gms->OnSipRequest(f, m); };
    gms_node.http_handler = [this](const HttpRequest& r) { return gms->OnHttpRequest(r); };
    gms->on_outcome = [this](const RekeyOutcome& o) { outcomes.push_back(o); };
    McxServerConfig mc;
    mc.gms_sip = Endpoint{"10.0.0.2", 5060};
    mcx = std::make_unique<McxServer>(mcx_node, mcx_node.sip(), mc, ProvisionOn(net, mcx_node, mc.mdsi_uri), mcx_keys);
    mcx_node.sip_handler = [this](const Endpoint& f, const SipMessage& m) { mcx->OnSipRequest(f, m); };
    mcx_node.sip().SetStrayResponseHandler([this](const SipMessage& r) { mcx->OnRelayedResponse(r); });
    if (taken_csk_id != 0) {
      security::StoredKey other;
      other.purpose = security::KeyPurpose::kCsk;
      other.key_id = taken_csk_id;
      other.key = crypto::SecretBytes(crypto::Bytes(16, 0x5a));
      other.peer_uri = "sip:someone-else@mcx.example.org";
      if (!mcx_keys.Put(std::move(other)).ok()) throw std::runtime_error("taken CSK-ID");
    }
    std::vector<std::string> uris;
    for (int i = 0; i < members; ++i) uris.push_back(security::naming::UeUri(i));
    gms->AddGroup(kGroup, uris);
    for (int i = 0; i < members; ++i) {
      procedures::CostModel handset;
      handset.device_factor = 3.0;
      auto& node = net.Add("10.0.1." + std::to_string(i + 1), 100 + i, handset);
      UeConfig uc;
      uc.user_uri = uris[i];
      uc.kms_uri = kKmsUri;
      uc.kms = Endpoint{"10.0.0.1", 443};
      uc.sip_proxy = Endpoint{"10.0.0.3", 5060};
      uc.gms_http = Endpoint{"10.0.0.2", 443};
      uc.groups = {kGroup};
      uc.transport = transport;
      ue_keys.push_back(std::make_unique<security::KeyStore>());
      ues.push_back(std::make_unique<UeClient>(node, node.sip(), uc, *ue_keys.back()));
      UeClient* ue = ues.back().get();
      node.sip_handler = [ue](const Endpoint& f, const SipMessage& m) { ue->OnSipRequest(f, m); };
      ue->on_error = [this](const std::string& e) { ue_errors.push_back(e); };
      ue->on_retry = [this](const std::string& r) { ue_retries.push_back(r); };
      node.Dispatch([ue] { ue->Start(); });
    }
    net.RunUntil(net.now() + 10);
  }
  /// Runs fn as a job of the GMS (as its application does).
  void AtGms(const std::function<void()>& fn) { net.Find("10.0.0.2")->Dispatch(fn); }
  FakeHost& UeHost(size_t i) { return *net.Find("10.0.1." + std::to_string(i + 1)); }
  uint32_t StoredGmks(const UeClient& ue) const { return static_cast<uint32_t>(ue.key_store().Keys(security::KeyPurpose::kGmk).size()); }
  size_t Ok(uint32_t gmk_id) const {
    size_t n = 0;
    for (const auto& o : outcomes) n += o.gmk_id == gmk_id && o.result == "ok";
    return n;
  }

  FakeNetwork net;
  std::unique_ptr<KmsService> kms;
  std::unique_ptr<GmsService> gms;
  security::KeyStore mcx_keys;
  std::unique_ptr<McxServer> mcx;
  std::vector<std::unique_ptr<security::KeyStore>> ue_keys;  ///< each UE's device key store
  std::vector<std::unique_ptr<UeClient>> ues;
  std::vector<RekeyOutcome> outcomes;
  std::vector<std::string> ue_errors;
  std::vector<std::string> ue_retries;
};

TEST(Procedures, ProvisioningRegistrationAndCskUpload) {
  World w(GmkTransport::kSip, 3);
  for (const auto& ue : w.ues) {
    EXPECT_TRUE(ue->provisioned());
    EXPECT_TRUE(ue->registered());
    EXPECT_EQ(ue->key_store().Keys(security::KeyPurpose::kCsk).size(), 1u);
  }
  EXPECT_EQ(w.kms->key_sets_issued(), 5u);  // GMS, MCX server, 3 UEs
  EXPECT_EQ(w.mcx->registrations(), 3u);
  EXPECT_EQ(w.mcx->csk_count(), 3u);  // each CSK I_MESSAGE decapsulated as the MDSI
  EXPECT_EQ(w.mcx->affiliations().size(), 3u);
  EXPECT_TRUE(w.ue_errors.empty());
}

TEST(Procedures, ACskIdAnotherClientHoldsIsRefusedAndTheClientUploadsANewCsk) {
  // 28 random bits per CSK-ID: at 10,000 users a collision is likely (seen in a run). The server
  // keeps the first holder's; the client draws another CSK and registers again.
  uint32_t drawn = 0;
  {
    World w(GmkTransport::kSip, 1);
    drawn = w.ue_keys[0]->Keys(security::KeyPurpose::kCsk).at(0)->key_id;
  }
  World w(GmkTransport::kSip, 1, security::naming::GmsUri(), drawn);
  EXPECT_EQ(w.ue_retries, (std::vector<std::string>{"register_new_csk_id"}));  // the collision happened
  EXPECT_TRUE(w.ues[0]->registered());
  EXPECT_TRUE(w.ue_errors.empty());
  const auto csks = w.ue_keys[0]->Keys(security::KeyPurpose::kCsk);
  ASSERT_EQ(csks.size(), 1u);  // the refused one is gone
  EXPECT_NE(csks[0]->key_id, drawn);
  const security::StoredKey* at_server = w.mcx->CskOf(security::naming::UeUri(0));
  ASSERT_NE(at_server, nullptr);
  EXPECT_EQ(at_server->key_id, csks[0]->key_id);
  EXPECT_TRUE(crypto::ConstantTimeEqual(at_server->key, csks[0]->key));
  EXPECT_EQ(w.mcx_keys.FindByKeyId(drawn)->peer_uri, "sip:someone-else@mcx.example.org");  // kept
}

TEST(Procedures, ARegisterWhoseContactIsNoIpv4EndpointIsRefused) {
  // A Contact the registrar cannot bind (not a dotted IPv4 address with octets 0-255 and a port
  // 1-65535) gets 400 before any crypto, is counted, and registers nobody; ns-3 would have read
  // "10.0.0.999" as 10.0.0.231, another node.
  World w(GmkTransport::kSip, 1);
  std::vector<std::string> mcx_errors;
  w.mcx->on_error = [&](const std::string& e) { mcx_errors.push_back(e); };
  auto& intruder = w.net.Add("10.0.9.1", 900);
  std::vector<int> statuses;
  std::vector<std::string> warnings;
  for (const char* contact : {"<sip:x@10.0.0.999:5060>", "<sip:x@evil.example.org>", "<sip:x@10.0.9.1:70000>",
                              "<sip:x@10.0.9.1:0>", "<sip:x@10.0.9.1:50a>", "<sip:x@10.0.9>", "<sip:x@10.0.9.1.2>",
                              "<sip:x@10..9.1>", "<sip:x@10.0.9.1:5060>"}) {
    SipMessage r = SipMessage::Request("REGISTER", "sip:10.0.0.3");
    r.SetFrom(std::string("<sip:intruder@example.org>;tag=t") + std::to_string(statuses.size()));
    r.SetTo("<sip:intruder@example.org>");
    r.SetCallId("c" + std::to_string(statuses.size()));
    r.SetCSeq(1, "REGISTER");
    r.SetContact(contact);
    intruder.Dispatch([&, r] {
      intruder.sip().SendRequest(Endpoint{"10.0.0.3", 5060}, r, [&](const SipMessage* resp) {
        statuses.push_back(resp ? resp->Status() : 0);
        auto warning = resp ? resp->Header("Warning") : std::nullopt;
        warnings.push_back(warning ? WarningOrStatus(&*warning, resp->Status()) : "");
      });
    });
    w.net.RunUntil(w.net.now() + 1);
  }
  EXPECT_EQ(statuses, (std::vector<int>{400, 400, 400, 400, 400, 400, 400, 400, 200}));
  EXPECT_EQ(std::count(warnings.begin(), warnings.end(), "bad_contact"), 8);
  EXPECT_EQ(mcx_errors, std::vector<std::string>(8, "register_bad_contact"));
  EXPECT_EQ(w.mcx->registrations(), 2u);  // the UE and the last, well-formed one
}

TEST(SipUtil, EndpointsAreDottedIpv4WithAPort) {
  EXPECT_EQ(EndpointFromUri("sip:alice@10.0.0.5:5070"), (Endpoint{"10.0.0.5", 5070}));
  EXPECT_EQ(EndpointFromUri("sip:10.0.0.5"), (Endpoint{"10.0.0.5", 5060}));
  EXPECT_EQ(EndpointFromUri("sip:a@10.0.0.5;transport=tcp"), (Endpoint{"10.0.0.5", 5060}));
  EXPECT_EQ(EndpointFromUri("sip:a@255.255.255.255:65535?subject=x"), (Endpoint{"255.255.255.255", 65535}));
  EXPECT_EQ(EndpointFromVia("SIP/2.0/UDP 10.0.1.2:5060;branch=z9hG4bK1"), (Endpoint{"10.0.1.2", 5060}));
  EXPECT_EQ(EndpointFromVia("SIP/2.0/TCP 10.0.1.2;branch=z9hG4bK1"), (Endpoint{"10.0.1.2", 5060}));
  for (const char* bad : {"", "sip:", "sips:a@10.0.0.5", "tel:+123", "sip:a@host.example", "sip:a@10.0.0.256",
                          "sip:a@10.0.0.5:", "sip:a@10.0.0.5:65536", "sip:a@10.0.0.5:0", "sip:a@10.0.0.5:-1",
                          "sip:a@10.0.0.5:5060:1", "sip:a@1.2.3", "sip:a@1.2.3.4.5", "sip:a@.1.2.3", "sip:a@1.2.3.",
                          "sip:a@1234.1.1.1", "sip:a@[::1]:5060", "sip:a@ 10.0.0.5"})
    EXPECT_FALSE(EndpointFromUri(bad).has_value()) << bad;
  for (const char* bad : {"SIP/2.0/UDP", "SIP/2.0/UDP host:5060;branch=x", "SIP/2.0/UDP 10.0.0.1:99999"})
    EXPECT_FALSE(EndpointFromVia(bad).has_value()) << bad;
}

void CheckDistribution(GmkTransport t) {
  World w(t, 4);
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  const uint32_t id = w.gms->CurrentGmkId(kGroup);
  ASSERT_NE(id, 0u);
  for (const auto& ue : w.ues) {
    const security::StoredKey* k = ue->key_store().FindByKeyId(id);
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->group_uri, kGroup);
  }
  EXPECT_EQ(w.Ok(id), 4u);
  // A rekey reaches everyone, and latencies are positive and ordered in time.
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  const uint32_t id2 = w.gms->CurrentGmkId(kGroup);
  EXPECT_NE(id2, id);
  EXPECT_EQ(w.Ok(id2), 4u);
  for (const auto& o : w.outcomes) EXPECT_GT(o.answered, o.started);
  for (const auto& ue : w.ues) EXPECT_EQ(w.StoredGmks(*ue), 2u);
  EXPECT_TRUE(w.ue_errors.empty());
}

TEST(Procedures, GmkPushOverSip) { CheckDistribution(GmkTransport::kSip); }
TEST(Procedures, GmkPullOverHttp) { CheckDistribution(GmkTransport::kHttp); }

TEST(Procedures, MemberLeaveRekeyExcludesTheLeaver) {
  World w(GmkTransport::kSip, 3);
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  w.AtGms([&] { w.gms->RemoveMember(kGroup, security::naming::UeUri(2)); });
  w.net.RunUntil(w.net.now() + 10);
  const uint32_t id = w.gms->CurrentGmkId(kGroup);
  EXPECT_NE(w.ues[0]->key_store().FindByKeyId(id), nullptr);
  EXPECT_NE(w.ues[1]->key_store().FindByKeyId(id), nullptr);
  EXPECT_EQ(w.ues[2]->key_store().FindByKeyId(id), nullptr);
  EXPECT_EQ(w.Ok(id), 2u);
}

TEST(Procedures, RevocationEndsTheSecurityContext) {
  World w(GmkTransport::kSip, 2);
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  const uint32_t id = w.gms->CurrentGmkId(kGroup);
  w.AtGms([&] { w.gms->Revoke(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  for (const auto& ue : w.ues) {
    ASSERT_NE(ue->key_store().FindByKeyId(id), nullptr);
    EXPECT_TRUE(ue->key_store().FindByKeyId(id)->revoked);
    EXPECT_EQ(ue->key_store().ActiveGmk(kGroup, w.net.start_unix + 100), nullptr);
  }
}

TEST(Procedures, ForgedGmsIsRejectedAndReported) {
  // A "GMS" whose identity is a valid KMS identity but not the authorised GMS identity.
  World w(GmkTransport::kSip, 3, security::naming::UserUri("mallory"));
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  const uint32_t id = w.gms->CurrentGmkId(kGroup);
  for (const auto& ue : w.ues) EXPECT_EQ(ue->key_store().FindByKeyId(id), nullptr);
  size_t reported = 0;
  for (const auto& o : w.outcomes) reported += o.result == "sender_not_authorised";
  EXPECT_EQ(reported, 3u);  // every member sent the error back (5.7.2 step 2)
  EXPECT_EQ(w.Ok(id), 0u);
  // Each member paid for what it computed: the signature verification, and no decapsulation (the
  // sender check comes first, TS 33.180 5.2.2). Its SAKKE work is the CSK upload it made itself.
  for (size_t i = 0; i < w.ues.size(); ++i) {
    const crypto::OpCounts& ops = w.UeHost(i).ops;
    EXPECT_EQ(ops[crypto::Op::kEccsiVerify], 1u) << i;
    EXPECT_EQ(ops[crypto::Op::kSakkeDecapsulate], 0u) << i;
    EXPECT_EQ(ops[crypto::Op::kSakkeEncapsulate], 1u) << i;
  }
}

TEST(Procedures, EachNodeIsChargedForTheCryptoItComputed) {
  World w(GmkTransport::kSip, 2);
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  // A UE: its key set's checks (RSK and SSK), its CSK upload (encapsulation and signature, key
  // parameters sealed: 2 symmetric), one GMK received (verification, decapsulation, the GMK-ID from
  // the GUK-ID and the key parameters opened: 3 symmetric).
  for (size_t i = 0; i < w.ues.size(); ++i) {
    const crypto::OpCounts& ops = w.UeHost(i).ops;
    EXPECT_EQ(ops[crypto::Op::kSakkeRskValidate], 1u);
    EXPECT_EQ(ops[crypto::Op::kEccsiSskValidate], 1u);
    EXPECT_EQ(ops[crypto::Op::kSakkeEncapsulate], 1u);
    EXPECT_EQ(ops[crypto::Op::kEccsiSign], 1u);
    EXPECT_EQ(ops[crypto::Op::kEccsiVerify], 1u);
    EXPECT_EQ(ops[crypto::Op::kSakkeDecapsulate], 1u);
    EXPECT_EQ(ops[crypto::Op::kSymmetric], 5u);
    procedures::CostModel handset;
    handset.device_factor = 3.0;
    EXPECT_NEAR(w.UeHost(i).crypto_seconds, handset.Seconds(ops), 1e-12);
  }
  // The GMS: its own key set's checks, then one encapsulation and one signature per member.
  const crypto::OpCounts& gms = w.net.Find("10.0.0.2")->ops;
  EXPECT_EQ(gms[crypto::Op::kSakkeEncapsulate], 2u);
  EXPECT_EQ(gms[crypto::Op::kEccsiSign], 2u);
  // The KMS: one key set each for the GMS, the MCX server and the two UEs.
  EXPECT_EQ(w.net.Find("10.0.0.1")->ops[crypto::Op::kKmsIssueKeySet], 4u);
}

TEST(Procedures, SipRetransmissionRecoversALostNotify) {
  World w(GmkTransport::kSip, 2);
  int dropped = 0;
  w.net.drop = [&](const Endpoint&, const Endpoint&, const std::string& m) {
    if (m.rfind("NOTIFY", 0) == 0 && dropped < 2) return ++dropped, true;
    return false;
  };
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 20);
  const uint32_t id = w.gms->CurrentGmkId(kGroup);
  EXPECT_EQ(dropped, 2);
  EXPECT_EQ(w.Ok(id), 2u);
  for (const auto& o : w.outcomes)
    if (o.gmk_id == id) EXPECT_GE(o.answered - o.started, 0.5);  // waited for Timer E (T1)
  EXPECT_GE(w.net.Find("10.0.0.2")->sip().counters().retransmissions, 2u);
}

// TS 33.180 5.7 / E.6: a GMK is accepted for the group whose document carries it. A GMK the GMS
// signed for another group, delivered in this group's document, is refused (group_mismatch) and
// the refusal goes back to the sender; delivered in its own group's document it is accepted.
TEST(Procedures, GmkOfAnotherGroupInAGroupDocumentIsRefused) {
  World w(GmkTransport::kSip, 1);
  const std::string police = security::naming::UserUri("police");
  FakeHost& gms_node = *w.net.Find("10.0.0.2");
  // A genuine GMS key set (the KMS issues the GMS identity another one): GMKs it signs pass
  // every other receiver check.
  const Provisioned gms = ProvisionOn(w.net, gms_node, security::naming::GmsUri());
  auto gmk = security::NewGmk(police, gms_node.Rng());
  ASSERT_TRUE(gmk.ok());
  auto push = [&](const std::string& document_group) {
    std::optional<int> status;
    std::string warning;
    gms_node.Dispatch([&] {
      auto msg = security::GmkIMessage(*gmk, *gms.identity, *gms.kms, security::naming::UeUri(0), *gms.kms,
                                       security::UnixToNtpSeconds(gms_node.UnixTime()), gms_node.Rng());
      ASSERT_TRUE(msg.ok());
      const std::string doc = BuildGroupDocument(document_group, {}, {Gktp{crypto::ToHex32(gmk->id), "", *msg}});
      SipMessage n = SipMessage::Request("NOTIFY", "sip:" + w.UeHost(0).SipSelf().ToString());
      n.SetFrom("<" + security::naming::GmsUri() + ">;tag=g");
      n.SetTo("<" + security::naming::UeUri(0) + ">;tag=u");
      n.SetCallId("forged-doc");
      n.SetCSeq(1, "NOTIFY");
      n.SetHeader("Event", "xcap-diff");
      n.AddBody(kGroupDocContentType, crypto::ByteView(doc));
      gms_node.sip().SendRequest(w.UeHost(0).SipSelf(), std::move(n), [&](const SipMessage* r) {
        if (!r) return;
        status = r->Status();
        if (auto h = r->Header("Warning")) warning = *h;
      });
    });
    w.net.RunUntil(w.net.now() + 5);
    return std::make_pair(status.value_or(0), warning);
  };
  auto [st, warning] = push(kGroup);
  EXPECT_EQ(st, 488);
  EXPECT_NE(warning.find("group_mismatch"), std::string::npos) << warning;
  EXPECT_EQ(w.ues[0]->key_store().FindByKeyId(gmk->id), nullptr);
  ASSERT_FALSE(w.ue_errors.empty());
  EXPECT_EQ(w.ue_errors.back(), "group_mismatch");
  // In its own group's document the same GMK is accepted, and filed under that group.
  std::tie(st, warning) = push(police);
  EXPECT_EQ(st, 200);
  ASSERT_NE(w.ues[0]->key_store().FindByKeyId(gmk->id), nullptr);
  EXPECT_EQ(w.ues[0]->key_store().FindByKeyId(gmk->id)->group_uri, police);
}

TEST(Procedures, PulledDocumentOfAnotherGroupIsRefused) {
  // 5.7.2.y: the member fetches its group's document; one that names another group (and so
  // carries that group's GMK) is refused and the refusal reported to the GMS.
  World w(GmkTransport::kHttp, 1);
  const std::string police = security::naming::UserUri("police");
  FakeHost& gms_node = *w.net.Find("10.0.0.2");
  gms_node.http_handler = [&](const HttpRequest& r) {
    HttpResponse resp = w.gms->OnHttpRequest(r);
    for (size_t at; (at = resp.body.find(kGroup)) != std::string::npos;) resp.body.replace(at, kGroup.size(), police);
    return resp;
  };
  w.AtGms([&] { w.gms->Rekey(kGroup); });
  w.net.RunUntil(w.net.now() + 10);
  const uint32_t id = w.gms->CurrentGmkId(kGroup);
  ASSERT_NE(id, 0u);
  EXPECT_EQ(w.ues[0]->key_store().FindByKeyId(id), nullptr);
  ASSERT_FALSE(w.ue_errors.empty());
  EXPECT_EQ(w.ue_errors.back(), "group_mismatch");
  size_t reported = 0;
  for (const auto& o : w.outcomes) reported += o.result == "group_mismatch";
  EXPECT_EQ(reported, 1u);
}

}  // namespace
}  // namespace mcx::testing
