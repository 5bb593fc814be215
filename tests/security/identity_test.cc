#include "mcx/security/identity.h"

#include <gtest/gtest.h>

#include "tests/support/testdata.h"

namespace mcx::crypto {

using security::KeyPeriod;
using security::KeyPurpose;
using security::NtpToUnixSeconds;
using security::PurposeOfKeyId;
namespace {

TEST(Uid, F21PublishedVectors) {
  const auto j = test::LoadJson("ts33180-derivations.json");
  const auto& vs = j.at("uid_format2").at("vectors");
  ASSERT_EQ(vs.size(), 16u);
  for (const auto& v : vs) {
    const std::string uri = v.at("uri"), kms = v.at("kms_uri");
    SCOPED_TRACE(uri + " / " + kms);
    const KeyPeriod kp{v.at("key_period").get<uint64_t>(), v.at("key_period_offset").get<uint64_t>()};
    const uint64_t no = v.at("key_period_no");
    EXPECT_EQ(ToHex(UidHashInput(uri, kms, kp, no)), v.at("S").get<std::string>());
    EXPECT_EQ(ToHex(Uid(uri, kms, kp, no)), v.at("expected_uid").get<std::string>());
  }
}

TEST(Uid, InteropUsersReproduce) {
  // Every UID in the third-party key sets follows from its URI and the KMS certificate.
  const auto sw = test::LoadJson("streamwide-v5.json");
  const auto& ki = sw.at("kms_init");
  const KeyPeriod swp{ki.at("user_key_period"), ki.at("user_key_offset")};
  for (const auto& u : sw.at("users"))
    EXPECT_EQ(ToHex(Uid(u.at("uri").get<std::string>(), ki.at("kms_uri").get<std::string>(), swp,
                        u.at("key_period_no"))),
              u.at("uid").get<std::string>());
  const auto alea = test::LoadJson("alea-v3.json");
  const auto& k = alea.at("kms");
  const KeyPeriod ap{k.at("user_key_period"), k.at("user_key_offset")};
  for (const auto& u : alea.at("parties"))
    EXPECT_EQ(ToHex(Uid(u.at("uri").get<std::string>(), k.at("kms_uri").get<std::string>(), ap,
                        u.at("key_period_no"))),
              u.at("uid").get<std::string>());
}

TEST(KeyPeriod, NumberFromNtpTime) {
  // Alea: period 914544000 s, offset 0; T payload 0xec8523d5 NTP seconds is period 4.
  const KeyPeriod alea{914544000, 0};
  EXPECT_EQ(*alea.Number(0xec8523d5ULL), 4u);
  // The same instant read as Unix time would give period 1: the number is counted in NTP time.
  EXPECT_EQ(*alea.Number(NtpToUnixSeconds(0xec8523d5ULL)), 1u);
  const KeyPeriod p{100, 50};
  EXPECT_EQ(*p.Number(50), 0u);
  EXPECT_EQ(*p.Number(149), 0u);
  EXPECT_EQ(*p.Number(150), 1u);
  EXPECT_EQ(p.Start(1), 150u);
  EXPECT_EQ(p.End(1), 250u);
  EXPECT_EQ(p.Number(49).error(), Error::kKeyPeriodInvalid);
  EXPECT_EQ((KeyPeriod{0, 0}.Number(10).error()), Error::kKeyPeriodInvalid);
}

TEST(KeyId, PurposeTagIsTheTopNibble) {
  HmacDrbg rng(3, "keyid");
  for (KeyPurpose p : {KeyPurpose::kGmk, KeyPurpose::kPck, KeyPurpose::kCsk, KeyPurpose::kSpk,
                       KeyPurpose::kMkfc, KeyPurpose::kMscck, KeyPurpose::kMusik}) {
    auto id = NewKeyId(p, rng);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(PurposeOfKeyId(*id), p);
  }
  EXPECT_EQ(PurposeOfKeyId(0x0df9bc39), KeyPurpose::kGmk);  // Streamwide GMK-ID
  EXPECT_EQ(PurposeOfKeyId(0x2ddd5bf0), KeyPurpose::kCsk);  // Streamwide CSK-ID
  EXPECT_EQ(PurposeOfKeyId(0x16992638), KeyPurpose::kPck);  // Streamwide PCK-ID
  EXPECT_STREQ(KeyPurposeName(KeyPurpose::kMusik), "MuSiK");
}

}  // namespace
}  // namespace mcx::crypto
