// I_MESSAGE creation and processing for every key type with fresh keys, and the negative suite:
// each receiver check of TS 33.180 5.2.2 / 5.7.2 fails with its own error; nothing is stored.
#include "mcx/security/mikey_sakke.h"

#include <gtest/gtest.h>

#include "tests/support/domain_fixture.h"
#include "mcx/crypto/kdf.h"
#include "mcx/security/key_store.h"

namespace mcx::security::mikey_sakke {
namespace {

using test::TestDomain;

const std::string kGms = "sip:gms@example.org";
const std::string kAlice = "sip:alice@example.org";
const std::string kBob = "sip:bob@example.org";
const std::string kMdsi = "sip:mcptt-server@example.org";
const std::string kGroup = "sip:fire-crew@example.org";
const Bytes kKey = Bytes{0x07, 0xd1, 0xa1, 0x67, 0x7a, 0xc3, 0x6d, 0x8e, 0x81, 0x62, 0x04, 0x84, 0x68, 0x9b, 0x3c, 0x2d};

class MikeySakke : public ::testing::Test {
 protected:
  static TestDomain& D() {
    static TestDomain d;
    return d;
  }
  ReceiveContext Ctx(Distribution kind, std::vector<std::string> authorised = {}) {
    ReceiveContext c;
    c.expected = kind;
    c.ntp_now = D().ntp_now();
    c.kms = {D().info()};
    c.authorised_senders = std::move(authorised);
    return c;
  }
  Created Make(Distribution kind, const std::string& from, const std::string& to, uint32_t key_id,
               SendOptions opt = {}) {
    auto c = CreateIMessage(kind, D().Identity(from), D().info(), to, D().info(), key_id, kKey, opt,
                            D().ntp_now(), D().rng());
    if (!c) throw std::runtime_error(ErrorName(c.error()));
    return std::move(c).value();
  }
  SendOptions GroupOpts() {
    SendOptions o;
    o.group_uri = kGroup;
    o.text = "fire crew key";
    o.expiry_time = NtpToUnixSeconds(D().ntp_now()) + 86400;
    return o;
  }
};

TEST_F(MikeySakke, GmkRoundTripWithEndPointDiversity) {
  const uint32_t gmk_id = 0x0123abcd;
  for (bool hide : {false, true}) {
    SendOptions o = GroupOpts();
    o.hide_identities = hide;
    Created c = Make(Distribution::kGmk, kGms, kAlice, gmk_id, o);
    EXPECT_EQ(c.csb_id, kdf::GukId(kKey, gmk_id, kAlice));  // 5.2.3: CSB-ID = GUK-ID
    EXPECT_EQ(c.cs_id, 4);
    auto r = ProcessIMessage(c.message, D().Identity(kAlice), Ctx(Distribution::kGmk, {kGms}));
    ASSERT_TRUE(r.ok()) << ErrorName(r.error());
    EXPECT_EQ(r->key.Expose(), kKey);
    EXPECT_EQ(r->key_id, gmk_id);
    EXPECT_EQ(r->csb_id, c.csb_id);
    EXPECT_EQ(r->rand, c.rand);
    EXPECT_EQ(r->sender_uri, kGms);
    EXPECT_EQ(r->identities_hidden, hide);
    ASSERT_TRUE(r->params.has_value());
    EXPECT_EQ(r->params->group_ids, std::vector<std::string>{kGroup});
    EXPECT_EQ(r->params->text, "fire crew key");
    EXPECT_FALSE(r->revoked);
    // Re-encoding the decoded message gives the same bytes.
    EXPECT_EQ(mikey::Encode(*mikey::Decode(c.message)), c.message);
  }
  // Two members get different GUK-IDs for the same GMK, and with the GMS's one RAND the same
  // RAND: each can derive the other's SRTP master key.
  SendOptions shared = GroupOpts();
  shared.rand = Bytes(16, 0x6e);
  Created a = Make(Distribution::kGmk, kGms, kAlice, gmk_id, shared);
  Created b = Make(Distribution::kGmk, kGms, kBob, gmk_id, shared);
  EXPECT_NE(a.csb_id, b.csb_id);
  EXPECT_EQ(a.rand, b.rand);
}

TEST_F(MikeySakke, PckRoundTrip) {
  Created c = Make(Distribution::kPck, kAlice, kBob, 0x1a2b3c4d);
  auto r = ProcessIMessage(c.message, D().Identity(kBob), Ctx(Distribution::kPck));
  ASSERT_TRUE(r.ok()) << ErrorName(r.error());
  EXPECT_EQ(r->key.Expose(), kKey);
  EXPECT_EQ(r->key_id, 0x1a2b3c4du);
  EXPECT_EQ(r->csb_id, 0x1a2b3c4du);
  EXPECT_EQ(r->sender_uri, kAlice);
  EXPECT_EQ(mikey::Decode(c.message)->hdr.cs_map_type, mikey::kCsMapEmpty);
}

TEST_F(MikeySakke, CskUploadCarriesTheAlgorithmList) {
  SendOptions o;
  o.algorithms = keyparams::AlgorithmChoice{{keyparams::kAlgAes128Gcm, 0x02}, keyparams::kAlgAes128Gcm};
  Created c = Make(Distribution::kCskUpload, kAlice, kMdsi, 0x2ddd5bf0, o);
  EXPECT_EQ(c.cs_id, 6);
  auto r = ProcessIMessage(c.message, D().Identity(kMdsi), Ctx(Distribution::kCskUpload));
  ASSERT_TRUE(r.ok()) << ErrorName(r.error());
  EXPECT_EQ(r->purpose, KeyPurpose::kCsk);
  ASSERT_TRUE(r->params && r->params->algorithms);
  EXPECT_EQ(r->params->algorithms->supported, (Bytes{0x01, 0x02}));
  EXPECT_EQ(r->params->algorithms->selected, 0x01);
}

TEST_F(MikeySakke, KeyDownloadOfCskAndMusikOnlyFromTheServer) {
  for (uint32_t id : {0x2a000001u, 0x6b000002u}) {
    SendOptions o;
    if (PurposeOfKeyId(id) == KeyPurpose::kMusik) o.group_uri = kGroup;
    Created c = Make(Distribution::kKeyDownload, kMdsi, kAlice, id, o);
    EXPECT_EQ(c.cs_id, PurposeOfKeyId(id) == KeyPurpose::kMusik ? 7 : 6);
    auto r = ProcessIMessage(c.message, D().Identity(kAlice), Ctx(Distribution::kKeyDownload, {kMdsi}));
    ASSERT_TRUE(r.ok()) << ErrorName(r.error());
    EXPECT_EQ(r->key_id, id);
    EXPECT_EQ(r->purpose, PurposeOfKeyId(id));
    // Only an MCX server identity may download keys.
    Created forged = Make(Distribution::kKeyDownload, kBob, kAlice, id, o);
    EXPECT_EQ(ProcessIMessage(forged.message, D().Identity(kAlice), Ctx(Distribution::kKeyDownload, {kMdsi})).error(),
              Error::kSenderNotAuthorised);
  }
}

TEST_F(MikeySakke, SakkeToSelfLetsTheSenderRecoverItsKey) {
  SendOptions o;
  o.sakke_to_self = true;
  Created c = Make(Distribution::kPck, kAlice, kBob, 0x1000beef, o);
  auto self = RecoverFromSakkeToSelf(c.message, D().Identity(kAlice));
  ASSERT_TRUE(self.ok()) << ErrorName(self.error());
  EXPECT_EQ(self->Expose(), kKey);
  auto r = ProcessIMessage(c.message, D().Identity(kBob), Ctx(Distribution::kPck));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->sakke_to_self);
  EXPECT_EQ(RecoverFromSakkeToSelf(Make(Distribution::kPck, kAlice, kBob, 0x1000beef).message,
                                   D().Identity(kAlice)).error(),
            Error::kMissingPayload);
}

TEST_F(MikeySakke, CrossDomainWithAnExternalKmsCertificate) {
  TestDomain other("kms.other.org", 2);
  auto c = CreateIMessage(Distribution::kPck, other.Identity("sip:carol@other.org"), other.info(), kBob,
                          D().info(), 0x10000001, kKey, {}, D().ntp_now(), D().rng());
  ASSERT_TRUE(c.ok()) << ErrorName(c.error());
  ReceiveContext ctx = Ctx(Distribution::kPck);
  EXPECT_EQ(ProcessIMessage(c->message, D().Identity(kBob), ctx).error(), Error::kUnknownKms);
  ctx.kms.push_back(other.info());  // the cert cache now holds the other KMS
  auto r = ProcessIMessage(c->message, D().Identity(kBob), ctx);
  ASSERT_TRUE(r.ok()) << ErrorName(r.error());
  EXPECT_EQ(r->sender_kms_uri, "kms.other.org");
}

// ---- the negative suite ----

TEST_F(MikeySakke, TamperedByteAnywhereIsRejected) {
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  const auto& alice = D().Identity(kAlice);
  const ReceiveContext ctx = Ctx(Distribution::kGmk, {kGms});
  std::map<std::string, int> seen;
  for (size_t i = 0; i < c.message.size(); ++i) {
    Bytes bad = c.message;
    bad[i] ^= 0x01;
    auto r = ProcessIMessage(bad, alice, ctx);
    ASSERT_FALSE(r.ok()) << "byte " << i;
    ++seen[ErrorName(r.error())];
  }
  // Most flips break the signature; some are caught earlier by the structure checks.
  EXPECT_GT(seen["signature_invalid"], static_cast<int>(c.message.size()) / 2);
}

TEST_F(MikeySakke, TamperedPayloadsAreEachRejected) {
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  auto m = *mikey::Decode(c.message);
  const auto& alice = D().Identity(kAlice);
  const ReceiveContext ctx = Ctx(Distribution::kGmk, {kGms});
  for (size_t p = 0; p < m.payloads.size(); ++p) {
    mikey::Message t = m;
    std::visit([](auto& pl) {
      using T = std::decay_t<decltype(pl)>;
      if constexpr (std::is_same_v<T, mikey::Timestamp>) pl.value[7] ^= 1;
      else if constexpr (std::is_same_v<T, mikey::Rand>) pl.value[0] ^= 1;
      else if constexpr (std::is_same_v<T, mikey::Idr>) pl.data[0] ^= 1;
      else if constexpr (std::is_same_v<T, mikey::SecurityPolicy>) pl.params[0].value[0] ^= 1;
      else if constexpr (std::is_same_v<T, mikey::SakkePayload>) pl.sed[100] ^= 1;
      else pl.data[5] ^= 1;
    }, t.payloads[p]);
    EXPECT_FALSE(ProcessIMessage(mikey::Encode(t), alice, ctx).ok()) << "payload " << p;
  }
  mikey::Message t = m;
  t.hdr.csb_id ^= 1;
  EXPECT_EQ(ProcessIMessage(mikey::Encode(t), alice, ctx).error(), Error::kSignatureInvalid);
  t = m;
  t.sign->signature[40] ^= 1;
  EXPECT_EQ(ProcessIMessage(mikey::Encode(t), alice, ctx).error(), Error::kSignatureInvalid);
}

TEST_F(MikeySakke, WrongReceiver) {
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kBob), Ctx(Distribution::kGmk, {kGms})).error(),
            Error::kWrongReceiver);
  SendOptions hidden = GroupOpts();
  hidden.hide_identities = true;
  c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, hidden);
  EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kBob), Ctx(Distribution::kGmk, {kGms})).error(),
            Error::kWrongReceiver);
}

TEST_F(MikeySakke, ExpiredKeyPeriodAndClockSkew) {
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  ReceiveContext ctx = Ctx(Distribution::kGmk, {kGms});
  ctx.ntp_now += naming::kKeyPeriodSeconds;  // one key period later: alice's key set is no longer current
  EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kAlice), ctx).error(), Error::kKeyPeriodNotCurrent);
  ctx = Ctx(Distribution::kGmk, {kGms});
  ctx.ntp_now += 600;
  ctx.max_clock_skew_seconds = 300;
  EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kAlice), ctx).error(), Error::kTimestampOutOfWindow);
  ctx.max_clock_skew_seconds = 900;
  EXPECT_TRUE(ProcessIMessage(c.message, D().Identity(kAlice), ctx).ok());
}

TEST_F(MikeySakke, UnauthorisedSender) {
  // A GMK signed by a user identity instead of the GMS (5.7.2 step 2).
  for (bool hide : {false, true}) {
    SendOptions o = GroupOpts();
    o.hide_identities = hide;
    Created c = Make(Distribution::kGmk, kBob, kAlice, 0x0123abcd, o);
    EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kAlice), Ctx(Distribution::kGmk, {kGms})).error(),
              Error::kSenderNotAuthorised);
  }
}

TEST_F(MikeySakke, UnknownKms) {
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  ReceiveContext ctx = Ctx(Distribution::kGmk, {kGms});
  ctx.kms.clear();
  EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kAlice), ctx).error(), Error::kUnknownKms);
}

TEST_F(MikeySakke, KeyTypeMismatch) {
  // Sender side: a PCK-ID in a GMK distribution.
  auto bad = CreateIMessage(Distribution::kGmk, D().Identity(kGms), D().info(), kAlice, D().info(),
                            0x1123abcd, kKey, GroupOpts(), D().ntp_now(), D().rng());
  EXPECT_EQ(bad.error(), Error::kKeyTypeMismatch);
  // Receiver side: a PCK message where a GMK was expected.
  Created c = Make(Distribution::kPck, kGms, kAlice, 0x1123abcd);
  EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kAlice), Ctx(Distribution::kGmk)).error(),
            Error::kKeyTypeMismatch);
}

// TS 33.180 5.7 / E.6: a GMK is accepted for one group. When the receiver knows the group (the
// group document's, or the one an off-network member was provisioned for), a GMK whose key
// parameters name another group, or none, is refused and nothing is stored.
TEST_F(MikeySakke, GmkForAnotherGroupIsRefused) {
  const auto& alice = D().Identity(kAlice);
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  ReceiveContext ctx = Ctx(Distribution::kGmk, {kGms});
  ctx.expected_group = kGroup;
  EXPECT_TRUE(ProcessIMessage(c.message, alice, ctx).ok());
  ctx.expected_group = "sip:police@example.org";
  EXPECT_EQ(ProcessIMessage(c.message, alice, ctx).error(), Error::kGroupMismatch);
  KeyStore store;
  EXPECT_EQ(store.AcceptIMessage(c.message, alice, ctx).error(), Error::kGroupMismatch);
  EXPECT_EQ(store.KeyCount(), 0u);
  EXPECT_EQ(store.ActiveGmk(kGroup, NtpToUnixSeconds(D().ntp_now())), nullptr);
  // A GMK whose key parameters name no group cannot be bound to the expected one.
  SendOptions no_group = GroupOpts();
  no_group.group_uri.clear();
  Created anon = Make(Distribution::kGmk, kGms, kAlice, 0x0223abcd, no_group);
  ctx.expected_group = kGroup;
  EXPECT_EQ(ProcessIMessage(anon.message, alice, ctx).error(), Error::kGroupMismatch);
  // Nor can one without key parameters.
  SendOptions no_params = GroupOpts();
  no_params.key_parameters = false;
  Created bare = Make(Distribution::kGmk, kGms, kAlice, 0x0323abcd, no_params);
  EXPECT_EQ(ProcessIMessage(bare.message, alice, ctx).error(), Error::kGroupMismatch);
  // Without an expected group (the receiver knows none) nothing changes.
  ctx.expected_group.reset();
  EXPECT_TRUE(ProcessIMessage(c.message, alice, ctx).ok());
  EXPECT_TRUE(ProcessIMessage(anon.message, alice, ctx).ok());
  EXPECT_TRUE(store.AcceptIMessage(c.message, alice, ctx).ok());
  EXPECT_STREQ(ErrorName(Error::kGroupMismatch), "group_mismatch");
}

TEST_F(MikeySakke, ExpiredKey) {
  SendOptions o = GroupOpts();
  o.expiry_time = NtpToUnixSeconds(D().ntp_now()) - 1;
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, o);
  EXPECT_EQ(ProcessIMessage(c.message, D().Identity(kAlice), Ctx(Distribution::kGmk, {kGms})).error(),
            Error::kKeyExpired);
}

TEST_F(MikeySakke, KeyParametersThatDoNotDecrypt) {
  // Re-sign a message whose GE type 7 ciphertext was altered: the signature is then valid and
  // the key parameters check is the one that fails.
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  auto m = *mikey::Decode(c.message);
  for (auto& p : m.payloads)
    if (auto* g = std::get_if<mikey::GeneralExtension>(&p); g && g->type == mikey::kGeKeyParameters)
      g->data.back() ^= 1;
  m.sign->signature = *D().Identity(kGms).signer().Sign(mikey::EncodeSignedPart(m, 129), D().rng());
  EXPECT_EQ(ProcessIMessage(mikey::Encode(m), D().Identity(kAlice), Ctx(Distribution::kGmk, {kGms})).error(),
            Error::kKeyParametersUndecryptable);
}

TEST_F(MikeySakke, SakkeIntegrityFailureAfterAValidSignature) {
  // The sender signs a SED made for someone else: signature fine, decapsulation fails.
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  Created other = Make(Distribution::kGmk, kGms, kBob, 0x0123abcd, GroupOpts());
  auto m = *mikey::Decode(c.message);
  const auto bob_msg = *mikey::Decode(other.message);
  const auto* bob_sakke = bob_msg.Find<mikey::SakkePayload>();
  for (auto& p : m.payloads)
    if (auto* s = std::get_if<mikey::SakkePayload>(&p)) s->sed = bob_sakke->sed;
  m.sign->signature = *D().Identity(kGms).signer().Sign(mikey::EncodeSignedPart(m, 129), D().rng());
  EXPECT_EQ(ProcessIMessage(mikey::Encode(m), D().Identity(kAlice), Ctx(Distribution::kGmk, {kGms})).error(),
            Error::kSakkeIntegrityFailed);
}

TEST_F(MikeySakke, TruncationAtEveryOffset) {
  Created c = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  const ReceiveContext ctx = Ctx(Distribution::kGmk, {kGms});
  for (size_t n = 0; n < c.message.size(); ++n)
    ASSERT_EQ(ProcessIMessage(ByteView(c.message.data(), n), D().Identity(kAlice), ctx).error(), Error::kTruncated)
        << n;
  Bytes longer = c.message;
  longer.push_back(0);
  EXPECT_EQ(ProcessIMessage(longer, D().Identity(kAlice), ctx).error(), Error::kTrailingBytes);
}

TEST_F(MikeySakke, DuplicateGmkIdAndRevocationInTheKeyStore) {
  KeyStore store;
  const auto& alice = D().Identity(kAlice);
  const ReceiveContext ctx = Ctx(Distribution::kGmk, {kGms});
  Created first = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, GroupOpts());
  auto r1 = ProcessIMessage(first.message, alice, ctx);
  ASSERT_TRUE(r1.ok());
  ASSERT_TRUE(store.Accept(*r1).ok());
  EXPECT_TRUE(store.Accept(*r1).ok());  // the same key again (e.g. pushed and pulled): idempotent
  // Another key under the same GMK-ID.
  Bytes other_key = kKey;
  other_key[0] ^= 0xff;
  auto dup = CreateIMessage(Distribution::kGmk, D().Identity(kGms), D().info(), kAlice, D().info(),
                            0x0123abcd, other_key, GroupOpts(), D().ntp_now(), D().rng());
  auto r2 = ProcessIMessage(dup->message, alice, ctx);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(store.Accept(*r2).error(), Error::kDuplicateKeyId);
  EXPECT_EQ(store.FindByKeyId(0x0123abcd)->key.Expose(), kKey);
  // Revocation: the GMS repeats the message with the status "revoked" (5.7.2.x).
  SendOptions rev = GroupOpts();
  rev.revoked = true;
  Created revoke = Make(Distribution::kGmk, kGms, kAlice, 0x0123abcd, rev);
  auto r3 = ProcessIMessage(revoke.message, alice, ctx);
  ASSERT_TRUE(r3.ok());
  EXPECT_TRUE(r3->revoked);
  EXPECT_EQ(store.Accept(*r3).error(), Error::kKeyRevoked);
  EXPECT_TRUE(store.FindByKeyId(0x0123abcd)->revoked);
  EXPECT_EQ(store.ActiveGmk(kGroup, NtpToUnixSeconds(D().ntp_now())), nullptr);
  // A key that arrives revoked is not stored.
  KeyStore empty;
  EXPECT_EQ(empty.Accept(*r3).error(), Error::kKeyRevoked);
  EXPECT_EQ(empty.KeyCount(), 0u);
}

}  // namespace
}  // namespace mcx::security::mikey_sakke
