#include "mcx/security/key_store.h"

#include <gtest/gtest.h>

namespace mcx::crypto {

using security::KeyPurpose;
using security::KeyStore;
using security::StoredKey;
namespace mikey_sakke = security::mikey_sakke;
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

TEST(KeyStore, IdentitiesPerPeriod) {
  KeyStore s;
  for (uint64_t p : {10u, 11u, 12u})
    s.PutIdentity(mikey_sakke::IdentityKeys{"sip:a@x", "kms", p, Bytes(32, uint8_t(p)), {}, {}, {}});
  EXPECT_EQ(s.Identity("kms", 11)->uid, Bytes(32, 11));
  s.DropIdentitiesBefore("kms", 12);
  EXPECT_EQ(s.Identity("kms", 11), nullptr);
  EXPECT_EQ(s.IdentityCount(), 1u);
}

}  // namespace
}  // namespace mcx::crypto
