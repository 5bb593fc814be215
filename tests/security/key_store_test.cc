#include "mcx/security/key_store.h"

#include <gtest/gtest.h>

#include "mcx/security/domain.h"

namespace mcx::security {

using crypto::AppendU32;
using crypto::HmacDrbg;
namespace {

StoredKey Gmk(uint32_t id, uint8_t fill, uint64_t activation, uint64_t expiry) {
  StoredKey k;
  k.purpose = KeyPurpose::kGmk;
  k.key_id = id;
  k.key = SecretBytes(Bytes(16, fill));
  k.group_uri = "sip:g@x";
  k.activation_time = activation;
  k.expiry_time = expiry;
  return k;
}

TEST(KeyStore, LookupByKeyIdAndMki) {
  KeyStore s;
  ASSERT_TRUE(s.Put(Gmk(0x01000001, 1, 0, 0)).ok());
  ASSERT_TRUE(s.ProvisionSpk(0x30000005, Bytes(16, 9), "sip:server2@x").ok());
  Bytes mki8;
  AppendU32(mki8, 0x01000001);
  AppendU32(mki8, 0x0abcdef0);  // GMK-ID || GUK-ID
  ASSERT_NE(s.FindByMki(mki8), nullptr);
  EXPECT_EQ(s.FindByMki(mki8)->key_id, 0x01000001u);
  Bytes mki4;
  AppendU32(mki4, 0x30000005);
  EXPECT_EQ(s.FindByMki(mki4)->purpose, KeyPurpose::kSpk);
  Bytes spk8 = mki4;
  AppendU32(spk8, 1);
  EXPECT_EQ(s.FindByMki(spk8), nullptr);  // an 8-byte MKI names a GMK only
  EXPECT_EQ(s.FindByMki(Bytes(5, 0)), nullptr);
  EXPECT_EQ(s.FindByKeyId(0x01000002), nullptr);
}

TEST(KeyStore, PutChecksPurposeAndDuplicates) {
  KeyStore s;
  StoredKey k = Gmk(0x11000001, 1, 0, 0);  // purpose nibble 1 = PCK, not GMK
  EXPECT_EQ(s.Put(k).error(), Error::kKeyTypeMismatch);
  ASSERT_TRUE(s.Put(Gmk(0x01000001, 1, 0, 0)).ok());
  EXPECT_EQ(s.Put(Gmk(0x01000001, 2, 0, 0)).error(), Error::kDuplicateKeyId);
  EXPECT_EQ(s.ProvisionSpk(0x20000001, Bytes(16, 1), "x").error(), Error::kKeyTypeMismatch);
  EXPECT_EQ(s.ProvisionSpk(0x30000001, Bytes(15, 1), "x").error(), Error::kBadLength);
}

TEST(KeyStore, ActiveGmkFollowsActivationExpiryAndRevocation) {
  KeyStore s;
  ASSERT_TRUE(s.Put(Gmk(0x01000001, 1, 100, 1000)).ok());
  ASSERT_TRUE(s.Put(Gmk(0x01000002, 2, 500, 0)).ok());
  EXPECT_EQ(s.ActiveGmk("sip:g@x", 50), nullptr);  // nothing activated yet
  EXPECT_EQ(s.ActiveGmk("sip:g@x", 200)->key_id, 0x01000001u);
  EXPECT_EQ(s.ActiveGmk("sip:g@x", 600)->key_id, 0x01000002u);  // the newer key takes over
  EXPECT_EQ(s.ActiveGmk("sip:other@x", 600), nullptr);
  EXPECT_EQ(s.PurgeExpired(1000), 1u);
  EXPECT_EQ(s.FindByKeyId(0x01000001), nullptr);
  EXPECT_EQ(s.Keys(KeyPurpose::kGmk).size(), 1u);
}

TEST(KeyStore, OfGmksActivatedInTheSameSecondTheLastStoredIsInUse) {
  KeyStore s;  // key IDs in the opposite order of arrival: the ID must not decide
  ASSERT_TRUE(s.Put(Gmk(0x01000009, 1, 100, 0)).ok());
  ASSERT_TRUE(s.Put(Gmk(0x01000002, 2, 100, 0)).ok());
  EXPECT_EQ(s.ActiveGmk("sip:g@x", 100)->key_id, 0x01000002u);
  ASSERT_TRUE(s.Put(Gmk(0x01000009, 1, 100, 0)).ok());  // stored again: keeps its place
  EXPECT_EQ(s.ActiveGmk("sip:g@x", 100)->key_id, 0x01000002u);
}

TEST(KeyStore, IdentitiesPerPeriodAndKmsCertificates) {
  HmacDrbg rng(5, "identities");
  const KeyPeriod day{86400, 0};
  auto domain = Domain::Create("kms.x", rng, day);
  ASSERT_TRUE(domain.ok());
  KeyStore s;
  for (uint64_t p : {10u, 11u, 12u}) s.PutIdentity(*domain->Provision("sip:a@x", day.Start(p) + 100, rng));
  ASSERT_NE(s.Identity("kms.x", 11), nullptr);
  EXPECT_EQ(s.Identity("kms.x", 11)->keys().uid, Uid("sip:a@x", "kms.x", day, 11));
  EXPECT_EQ(s.IdentityAt(domain->info(), day.Start(12) + 5)->keys().period_no, 12u);
  EXPECT_EQ(s.IdentityAt(domain->info(), day.Start(13)), nullptr);
  s.DropIdentitiesBefore("kms.x", 12);
  EXPECT_EQ(s.Identity("kms.x", 11), nullptr);
  EXPECT_EQ(s.IdentityCount(), 1u);
  s.PutKms(domain->info());
  s.PutKms(domain->info());  // the same KMS again: replaced, not added
  ASSERT_EQ(s.KmsCertificates().size(), 1u);
  EXPECT_EQ(s.KmsCertificates()[0].kms_uri, "kms.x");
}

TEST(KeyStore, ReportsEachKeyStoredAndEachRevocationOnce) {
  KeyStore s;
  std::vector<std::pair<uint32_t, bool>> seen;
  s.on_stored = [&](const StoredKey& k) { seen.emplace_back(k.key_id, k.revoked); };
  ASSERT_TRUE(s.Put(Gmk(0x01000001, 1, 0, 0)).ok());
  ASSERT_TRUE(s.Put(Gmk(0x01000001, 1, 0, 0)).ok());  // the same key again: not reported again
  EXPECT_EQ(seen, (std::vector<std::pair<uint32_t, bool>>{{0x01000001u, false}}));
}

}  // namespace
}  // namespace mcx::security
