// TS 33.180 Annex F / TS 33.220 derivations and the MIKEY PRF against published vectors.
#include "mcx/crypto/kdf.h"

#include <gtest/gtest.h>

#include "mcx/crypto/hash.h"

#include "tests/support/testdata.h"

namespace mcx::crypto {
namespace {

using test::Hex;
using test::HexField;

const nlohmann::json& Vectors() {
  static const nlohmann::json j = test::LoadJson("ts33180-derivations.json");
  return j;
}

uint32_t U32(const nlohmann::json& j, const char* key) { return LoadU32(HexField(j, key).data()); }

TEST(GukId, PublishedVectors) {
  const auto& vs = Vectors().at("guk_id").at("vectors");
  ASSERT_EQ(vs.size(), 6u);
  for (const auto& v : vs) {
    const Bytes gmk = HexField(v, "gmk");
    const std::string uri = v.at("user_uri");
    SCOPED_TRACE(uri);
    // The exact KDF input S, then the salt, then the GUK-ID.
    Bytes s{0x50};
    Append(s, ByteView(std::string_view(uri)));
    AppendU16(s, static_cast<uint16_t>(uri.size()));
    EXPECT_EQ(ToHex(s), v.at("S").get<std::string>());
    EXPECT_EQ(ToHex(kdf::Kdf(gmk, 0x50, {ByteView(std::string_view(uri))})),
              v.at("kdf_output").get<std::string>());
    const uint32_t guk = kdf::GukId(gmk, U32(v, "gmk_id"), uri);
    EXPECT_EQ(guk, U32(v, "expected_guk_id"));
    EXPECT_EQ(kdf::GmkIdFromGukId(gmk, guk, uri), U32(v, "gmk_id"));
  }
}

TEST(SrtpMaster, PublishedVectors) {
  const auto& vs = Vectors().at("srtp_master_key_salt").at("vectors");
  ASSERT_EQ(vs.size(), 4u);
  for (const auto& v : vs) {
    const Bytes tgk = HexField(v, "tgk"), rand = HexField(v, "rand");
    const uint8_t cs_id = v.at("cs_id");
    const uint32_t csb = U32(v, "csb_id");
    EXPECT_EQ(ToHex(kdf::MikeyLabel(kdf::kLabelTek, cs_id, csb, rand)), v.at("key_label"));
    EXPECT_EQ(ToHex(kdf::MikeyLabel(kdf::kLabelSalt, cs_id, csb, rand)), v.at("salt_label"));
    kdf::SrtpMasterKeys k = kdf::SrtpMaster(tgk, cs_id, csb, rand);
    EXPECT_EQ(ToHex(k.key), v.at("expected_master_key"));
    EXPECT_EQ(ToHex(k.salt), v.at("expected_master_salt"));
  }
}

TEST(SrtpMaster, EtherstackKeyIdVector) {
  const auto& v = Vectors().at("spk");
  kdf::SrtpMasterKeys k = kdf::SrtpMaster(HexField(v, "tgk"), v.at("cs_id"),
                                          U32(v, "key_id_used_as_csb_id"), HexField(v, "rand"));
  EXPECT_EQ(ToHex(k.key), v.at("expected_master_key"));
  EXPECT_EQ(ToHex(k.salt), v.at("expected_master_salt"));
}

TEST(MikeyPrf, OtherLabelVectors) {
  for (const auto& v : Vectors().at("mikey_prf_other_labels")) {
    const Bytes inkey = HexField(v, "inkey"), rand = HexField(v, "rand");
    const uint8_t cs_id = v.at("cs_id");
    const uint32_t csb = U32(v, "csb_id");
    const uint32_t label = U32(v, "label_constant");
    EXPECT_EQ(ToHex(kdf::MikeyPrf(inkey, kdf::MikeyLabel(label, cs_id, csb, rand), 16)),
              v.at("output_16"));
    const uint32_t salt_label = U32(v, "salt_label_constant");
    EXPECT_EQ(ToHex(kdf::MikeyPrf(inkey, kdf::MikeyLabel(salt_label, cs_id, csb, rand), 12)),
              v.at("salt_output_12"));
  }
}

TEST(MikeyPrf, LongOutputsAndLongInkeysAreConsistent) {
  const Bytes label = Hex("0102030405");
  const Bytes key16 = Hex("000102030405060708090a0b0c0d0e0f");
  // A longer output extends a shorter one (P(s, label, m) is a stream).
  SecretBytes a = kdf::MikeyPrf(key16, label, 16), b = kdf::MikeyPrf(key16, label, 80);
  EXPECT_EQ(ToHex(a), ToHex(b).substr(0, 32));
  // A 40-byte inkey is two chunks: the output is the XOR of the chunks' outputs.
  Bytes key40(40);
  for (size_t i = 0; i < key40.size(); ++i) key40[i] = static_cast<uint8_t>(i * 7);
  SecretBytes whole = kdf::MikeyPrf(key40, label, 20);
  SecretBytes c1 = kdf::MikeyPrf(ByteView(key40).Sub(0, 32), label, 20);
  SecretBytes c2 = kdf::MikeyPrf(ByteView(key40).Sub(32), label, 20);
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(whole[i], c1[i] ^ c2[i]);
}

TEST(Dpck, PublishedVector) {
  const auto& v = Vectors().at("dpck");
  const Bytes dppk = HexField(v, "dppk");
  const uint32_t id = U32(v, "dppk_id");
  EXPECT_EQ(ToHex(kdf::Kdf(dppk, 0x53, {HexField(v, "dppk_id")})), v.at("kdf_output"));
  EXPECT_EQ(ToHex(kdf::Dpck(dppk, id)), v.at("expected_dpck"));
}

TEST(SignallingKeys, FollowTheTs33220Construction) {
  // No published vector exists (ts33180-derivations.json says so); check the construction:
  // HMAC-SHA-256(XPK, FC || user ID || len || XPK-ID || 0x0004), low 128 bits, 0x51 != 0x52.
  const Bytes csk = Hex("e06e65106183547342d3e8a6ce2540a8");
  const std::string user = "sip:alice@streamwide.com";
  const uint32_t csk_id = 0x2ddd5bf0;
  Bytes s{0x51};
  Append(s, ByteView(std::string_view(user)));
  AppendU16(s, static_cast<uint16_t>(user.size()));
  AppendU32(s, csk_id);
  AppendU16(s, 4);
  Bytes full = HmacSha256(csk, s);
  EXPECT_EQ(ToHex(kdf::SignallingConfidentialityKey(csk, user, csk_id)),
            ToHex(ByteView(full).Sub(16)));
  EXPECT_NE(ToHex(kdf::SignallingConfidentialityKey(csk, user, csk_id)),
            ToHex(kdf::SignallingIntegrityKey(csk, user, csk_id)));
}

TEST(Kdf, Kdf128IsTheLow128Bits) {
  const Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
  SecretBytes full = kdf::Kdf(key, 0x53, {Hex("deadbaad")});
  EXPECT_EQ(ToHex(kdf::Kdf128(key, 0x53, {Hex("deadbaad")})), ToHex(full).substr(32));
}

}  // namespace
}  // namespace mcx::crypto
