// Every Streamwide (GMK, CSK, PCK, legacy GMK) and Alea (GMK, CSK) I_MESSAGE decodes,
// re-encodes to the same bytes, verifies and yields the expected key, key ID, RAND and GUK-ID.
#include <gtest/gtest.h>

#include "mcx/crypto/base64.h"
#include "mcx/crypto/kdf.h"
#include "mcx/security/mikey_sakke.h"
#include "tests/support/testdata.h"

namespace mcx::security::mikey_sakke {

using crypto::Base64Decode;
using crypto::LoadU32;
using crypto::ToHex;
namespace {

using test::HexField;

struct Vendor {
  const char* file;
  const char* kms_key;    // "kms_init" or "kms"
  const char* users_key;  // "users" or "parties"
};
const Vendor kStreamwide{"streamwide-v5.json", "kms_init", "users"};
const Vendor kAlea{"alea-v3.json", "kms", "parties"};

KmsPublicInfo Kms(const nlohmann::json& k) {
  auto info = KmsPublicInfo::Create(k.at("kms_uri"),
                                    KeyPeriod{k.at("user_key_period"), k.at("user_key_offset")},
                                    HexField(k, "pub_enc_key_Z"), HexField(k, "pub_auth_key_KPAK"));
  if (!info) throw std::runtime_error(ErrorName(info.error()));
  return std::move(info).value();
}

IdentityKeys User(const nlohmann::json& doc, const Vendor& v, const std::string& name) {
  for (const auto& u : doc.at(v.users_key))
    if (u.at("name") == name)
      return IdentityKeys{u.at("uri"), doc.at(v.kms_key).at("kms_uri"), u.at("key_period_no"),
                          HexField(u, "uid"), HexField(u, "rsk"), SecretBytes(HexField(u, "ssk")),
                          HexField(u, "pvt")};
  throw std::runtime_error("no user " + name);
}

Distribution KindOf(const std::string& key_type) {
  if (key_type == "GMK") return Distribution::kGmk;
  if (key_type == "PCK") return Distribution::kPck;
  return Distribution::kCskUpload;  // CSK from a user to a server identity
}

void CheckMessage(const Vendor& v, const std::string& name, bool legacy = false,
                  keyparams::StatusConvention conv = keyparams::kDefaultStatusConvention,
                  bool expect_revoked_flag = false) {
  SCOPED_TRACE(std::string(v.file) + " " + name);
  const auto doc = test::LoadJson(v.file);
  nlohmann::json msg;
  for (const auto& m : doc.at("messages"))
    if (m.at("name") == name) msg = m;
  ASSERT_FALSE(msg.is_null());
  auto bytes = Base64Decode(msg.at("i_message_base64").get<std::string>());
  ASSERT_TRUE(bytes.ok());

  // Codec: decode, then re-encode to the very same bytes.
  auto decoded = mikey::Decode(*bytes);
  ASSERT_TRUE(decoded.ok()) << ErrorName(decoded.error());
  EXPECT_EQ(ToHex(mikey::Encode(*decoded)), ToHex(*bytes));

  const KmsPublicInfo kms = Kms(doc.at(v.kms_key));
  auto me = LocalIdentity::Create(User(doc, v, msg.at("receiver")), kms);
  ASSERT_TRUE(me.ok()) << ErrorName(me.error());
  ReceiveContext ctx;
  ctx.expected = KindOf(msg.at("key_type"));
  ctx.kms = {kms};
  ctx.ntp_now = decoded->Find<mikey::Timestamp>()->NtpSeconds();
  ctx.authorised_senders = {msg.at("initiator_uri")};
  ctx.accept_legacy_key_parameters = legacy;
  ctx.status_convention = conv;
  auto got = ProcessIMessage(*bytes, *me, ctx);
  ASSERT_TRUE(got.ok()) << ErrorName(got.error());
  EXPECT_EQ(ToHex(got->key), msg.at("key").get<std::string>());
  EXPECT_EQ(got->key_id, LoadU32(HexField(msg, "key_id").data()));
  EXPECT_EQ(ToHex(got->rand), msg.at("rand").get<std::string>());
  EXPECT_EQ(got->sender_uri, msg.at("initiator_uri").get<std::string>());
  EXPECT_TRUE(got->identities_hidden);
  if (msg.contains("guk_id")) {
    EXPECT_EQ(got->csb_id, LoadU32(HexField(msg, "guk_id").data()));
  }
  EXPECT_EQ(got->legacy_params, legacy);
  EXPECT_EQ(got->revoked, expect_revoked_flag);
}

TEST(MikeyInterop, StreamwideGmk) { CheckMessage(kStreamwide, "test1_gmk"); }
TEST(MikeyInterop, StreamwideCsk) { CheckMessage(kStreamwide, "test2_csk"); }
TEST(MikeyInterop, StreamwidePck) { CheckMessage(kStreamwide, "test3_pck"); }
TEST(MikeyInterop, StreamwideLegacyGmk) {
  CheckMessage(kStreamwide, "test4_gmk_legacy_format_for_iwf", /*legacy=*/true);
}
TEST(MikeyInterop, AleaGmk) {
  // Alea sends status 0 for a key in use: read with the convention that fits it.
  CheckMessage(kAlea, "gmk", false, keyparams::StatusConvention::kBit0Revoked);
}
TEST(MikeyInterop, AleaGmkUnderTheDefaultStatusConventionReadsAsRevoked) {
  CheckMessage(kAlea, "gmk", false, keyparams::kDefaultStatusConvention, /*revoked=*/true);
}
TEST(MikeyInterop, AleaCsk) { CheckMessage(kAlea, "csk"); }

TEST(MikeyInterop, LegacyGmkNeedsExplicitOptIn) {
  const auto doc = test::LoadJson("streamwide-v5.json");
  const auto& msg = doc.at("messages").at(3);
  auto bytes = Base64Decode(msg.at("i_message_base64").get<std::string>());
  const KmsPublicInfo kms = Kms(doc.at("kms_init"));
  auto me = LocalIdentity::Create(User(doc, kStreamwide, "iwf"), kms);
  ASSERT_TRUE(me.ok());
  ReceiveContext ctx;
  ctx.kms = {kms};
  ctx.ntp_now = mikey::Decode(*bytes)->Find<mikey::Timestamp>()->NtpSeconds();
  EXPECT_EQ(ProcessIMessage(*bytes, *me, ctx).error(), Error::kKeyParametersUndecryptable);
}

TEST(MikeyInterop, AleaKeyParametersDecode) {
  const auto doc = test::LoadJson("alea-v3.json");
  const auto& msg = doc.at("messages").at(0);
  auto bytes = Base64Decode(msg.at("i_message_base64").get<std::string>());
  const KmsPublicInfo kms = Kms(doc.at("kms"));
  auto me = LocalIdentity::Create(User(doc, kAlea, "alice"), kms);
  ReceiveContext ctx;
  ctx.kms = {kms};
  ctx.ntp_now = mikey::Decode(*bytes)->Find<mikey::Timestamp>()->NtpSeconds();
  ctx.status_convention = keyparams::StatusConvention::kBit0Revoked;
  auto got = ProcessIMessage(*bytes, *me, ctx);
  ASSERT_TRUE(got.ok()) << ErrorName(got.error());
  ASSERT_TRUE(got->params.has_value());
  EXPECT_EQ(got->params->key_type, KeyPurpose::kGmk);
  EXPECT_EQ(got->params->activation_time, 0x68d7eafaULL);
  EXPECT_EQ(got->params->expiry_time, 0xffffffffULL);
  ASSERT_EQ(got->params->group_ids.size(), 1u);
  EXPECT_EQ(got->params->group_ids[0], "sip:g4.chat@veronica-cluster");
  // SRTP master key for alice sending (CS-ID 4, CSB-ID = her GUK-ID), from the vector file.
  const auto& d = msg.at("derived_here").at("srtp_alice_sending_cs4");
  kdf::SrtpMasterKeys k = kdf::SrtpMaster(got->key, got->cs_id, got->csb_id, got->rand);
  EXPECT_EQ(ToHex(k.key), d.at("master_key").get<std::string>());
  EXPECT_EQ(ToHex(k.salt), d.at("master_salt").get<std::string>());
}

}  // namespace
}  // namespace mcx::security::mikey_sakke
