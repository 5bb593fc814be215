// E.6 key parameters and the protected payload: vendor plaintexts, round trips, truncations.
#include "mcx/security/key_params.h"

#include <gtest/gtest.h>

#include "mcx/crypto/kdf.h"
#include "tests/support/testdata.h"

namespace mcx::security::keyparams {

using crypto::HmacDrbg;
using crypto::ToHex;
namespace {

using test::Hex;

TEST(KeyParameters, DecodeVendorPlaintexts) {
  // Streamwide GMK: type 0, status 1, no times, empty text, empty group list.
  auto sw = Decode(Hex("0000000001000000000000000000000000000100"));
  ASSERT_TRUE(sw.ok()) << ErrorName(sw.error());
  EXPECT_EQ(sw->key_type, KeyPurpose::kGmk);
  EXPECT_EQ(sw->status, 1u);
  EXPECT_TRUE(sw->group_ids.empty());
  EXPECT_FALSE(IsRevoked(sw->status));
  // Streamwide CSK and PCK: no group IDs.
  EXPECT_EQ(Decode(Hex("0200000001000000000000000000000000"))->key_type, KeyPurpose::kCsk);
  EXPECT_EQ(Decode(Hex("0100000001000000000000000000000000"))->key_type, KeyPurpose::kPck);
  // Alea GMK: activation, expiry, one group.
  auto alea = Decode(Hex("00000000000068d7eafa00ffffffff00000020017b001c7369703a67342e63686174407665726f6e6963612d636c7573746572"));
  ASSERT_TRUE(alea.ok());
  EXPECT_EQ(alea->activation_time, 0x68d7eafaULL);
  EXPECT_EQ(alea->group_ids, std::vector<std::string>{"sip:g4.chat@veronica-cluster"});
  EXPECT_TRUE(IsRevoked(alea->status, StatusConvention::kBit0InUse));
  EXPECT_FALSE(IsRevoked(alea->status, StatusConvention::kBit0Revoked));
  // Re-encoding gives the same bytes.
  EXPECT_EQ(ToHex(Encode(*alea)), "00000000000068d7eafa00ffffffff00000020017b001c7369703a67342e63686174407665726f6e6963612d636c7573746572");
  EXPECT_EQ(ToHex(Encode(*sw)), "0000000001000000000000000000000000000100");
}

TEST(KeyParameters, RoundTripWithAlgorithmsAndTruncations) {
  KeyParameters kp;
  kp.key_type = KeyPurpose::kMusik;
  kp.status = StatusWord(true);
  kp.activation_time = 0x0102030405ULL;
  kp.expiry_time = 0xff00000000ULL;
  kp.text = "text";
  kp.group_ids = {"sip:a@x", "sip:b@x"};
  kp.algorithms = AlgorithmChoice{{1, 2, 3}, 2};
  const Bytes enc = Encode(kp);
  auto d = Decode(enc);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(Encode(*d), enc);
  EXPECT_TRUE(IsRevoked(d->status));
  EXPECT_EQ(d->algorithms->selected, 2);
  for (size_t n = 0; n < enc.size(); ++n) {
    auto t = Decode(ByteView(enc.data(), n));
    // Two shorter forms are valid: ending after the text (no group list), and ending after
    // the group list (no algorithm element).
    if (t.ok()) {
      EXPECT_TRUE(t->group_ids_absent || (!t->algorithms && t->group_ids.size() == 2)) << n;
      continue;
    }
    EXPECT_EQ(t.error(), Error::kTruncated) << n;
  }
  Bytes longer = enc;
  longer.push_back(0xA1);
  EXPECT_FALSE(Decode(longer).ok());
  Bytes bad = Encode(kp);
  bad[0] = 9;  // undefined key type
  EXPECT_EQ(Decode(bad).error(), Error::kUnsupportedValue);
}

TEST(ProtectedPayload, StreamwideGmkParametersDecrypt) {
  const auto j = test::LoadJson("streamwide-v5.json");
  const auto& m = j.at("messages").at(0);
  const auto& d = m.at("derived_here").at("key_parameters_ge7");
  EXPECT_EQ(ToHex(kdf::Dpck(Hex(m.at("key")), 0x06a12aea)), d.at("dpck").get<std::string>());
}

TEST(ProtectedPayload, RoundTripTamperAndTruncate) {
  HmacDrbg rng(4, "pp");
  const Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
  auto p = Protect(key, 0xdeadbaad, Bytes{1, 2, 3, 4, 5}, 1790000000, rng);
  ASSERT_TRUE(p.ok());
  const Bytes enc = EncodePayload(*p);
  auto d = DecodePayload(enc);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(EncodePayload(*d), enc);
  EXPECT_EQ(Unprotect(*d, key)->Expose(), (Bytes{1, 2, 3, 4, 5}));
  for (size_t i : {size_t{0}, size_t{3}, size_t{20}, size_t{30}, enc.size() - 1}) {
    Bytes bad = enc;
    bad[i] ^= 0x04;
    auto bd = DecodePayload(bad);
    ASSERT_TRUE(bd.ok());
    EXPECT_EQ(Unprotect(*bd, key).error(), Error::kAuthenticationFailed) << i;
  }
  Bytes wrong = key;
  wrong[0] ^= 1;
  EXPECT_EQ(Unprotect(*d, wrong).error(), Error::kAuthenticationFailed);
  for (size_t n = 0; n < enc.size(); ++n)
    EXPECT_EQ(DecodePayload(ByteView(enc.data(), n)).error(), Error::kTruncated) << n;
}

}  // namespace
}  // namespace mcx::security::keyparams
