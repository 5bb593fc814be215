// MIKEY codec: round trips, every truncation, trailing bytes, unknown payloads, bad values.
#include "mcx/security/mikey.h"

#include <gtest/gtest.h>

#include "mcx/crypto/base64.h"
#include "tests/support/testdata.h"

namespace mcx::security::mikey {

using crypto::Base64Decode;
using crypto::Base64Encode;
namespace {

Message Sample() {
  Message m;
  m.hdr.csb_id = 0x0df9bc39;
  m.hdr.cs_map_type = kCsMapGenericId;
  m.hdr.generic_map.push_back(GenericCsEntry{4, kProtTypeSrtp, false, {0}, {}, Bytes(8, 0xaa)});
  m.payloads.emplace_back(Timestamp::FromNtpSeconds(0xec898da8));
  m.payloads.emplace_back(Rand{Bytes(16, 0x11)});
  m.payloads.emplace_back(Idr{IdRole::kUidInitiator, kIdTypeUri, Bytes(32, 0x22)});
  m.payloads.emplace_back(Idr{IdRole::kKmsInitiator, kIdTypeUri, Bytes{'k', 'm', 's'}});
  m.payloads.emplace_back(SecurityPolicy{0, kProtTypeSrtp, {{0, {6}}, {1, {16}}}});
  m.payloads.emplace_back(SakkePayload{1, 2, Bytes(273, 0x33)});
  m.payloads.emplace_back(GeneralExtension{7, Bytes(20, 0x44)});
  m.sign = Sign{kSignTypeEccsi, Bytes(129, 0x55)};
  return m;
}

TEST(MikeyCodec, RoundTrip) {
  const Message m = Sample();
  const Bytes enc = Encode(m);
  auto d = Decode(enc);
  ASSERT_TRUE(d.ok()) << ErrorName(d.error());
  EXPECT_EQ(Encode(*d), enc);
  EXPECT_EQ(d->hdr.csb_id, 0x0df9bc39u);
  ASSERT_EQ(d->hdr.generic_map.size(), 1u);
  EXPECT_EQ(d->hdr.generic_map[0].spi, Bytes(8, 0xaa));
  EXPECT_EQ(d->Find<Timestamp>()->NtpSeconds(), 0xec898da8u);
  EXPECT_EQ(d->FindIdr(IdRole::kKmsInitiator)->data, (Bytes{'k', 'm', 's'}));
  EXPECT_EQ(*d->Find<SecurityPolicy>()->Param(1), Bytes{16});
  EXPECT_EQ(d->Find<SakkePayload>()->sed.size(), 273u);
  EXPECT_EQ(d->sign->signature.size(), 129u);
  EXPECT_EQ(SignedPartLength(*d), enc.size() - 129);
  EXPECT_EQ(EncodeSignedPart(*d, 129), Bytes(enc.begin(), enc.end() - 129));
}

TEST(MikeyCodec, EveryTruncationIsRejected) {
  const Bytes enc = Encode(Sample());
  for (size_t n = 0; n < enc.size(); ++n) {
    auto d = Decode(ByteView(enc.data(), n));
    ASSERT_FALSE(d.ok()) << "prefix " << n;
    EXPECT_EQ(d.error(), Error::kTruncated) << "prefix " << n;
  }
}

TEST(MikeyCodec, TrailingBytesAreRejected) {
  Bytes enc = Encode(Sample());
  enc.push_back(0);
  EXPECT_EQ(Decode(enc).error(), Error::kTrailingBytes);
  // Also without a SIGN payload (last next-payload 0).
  Message m = Sample();
  m.sign.reset();
  Bytes plain = Encode(m);
  EXPECT_TRUE(Decode(plain).ok());
  plain.push_back(7);
  EXPECT_EQ(Decode(plain).error(), Error::kTrailingBytes);
}

TEST(MikeyCodec, UnknownPayloadAndBadValuesAreRejected) {
  Bytes enc = Encode(Sample());
  Bytes bad = enc;
  bad[2] = 1;  // HDR next payload = KEMAC, which TS 33.180 does not use
  EXPECT_EQ(Decode(bad).error(), Error::kUnknownPayload);
  bad = enc;
  bad[2] = 99;
  EXPECT_EQ(Decode(bad).error(), Error::kUnknownPayload);
  bad = enc;
  bad[0] = 2;  // version
  EXPECT_EQ(Decode(bad).error(), Error::kUnsupportedValue);
  bad = enc;
  bad[9] = 5;  // CS ID map type
  EXPECT_EQ(Decode(bad).error(), Error::kUnsupportedValue);
}

TEST(MikeyCodec, PayloadsInAnyOrderRoundTrip) {
  Message m = Sample();
  std::swap(m.payloads[5], m.payloads[6]);  // GE before SAKKE, as Alea sends
  std::swap(m.payloads[0], m.payloads[1]);
  const Bytes enc = Encode(m);
  auto d = Decode(enc);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(Encode(*d), enc);
  EXPECT_EQ(TypeOf(d->payloads[0]), PayloadType::kRand);
}

TEST(MikeyCodec, LegacySrtpIdMapRoundTrips) {
  Message m = Sample();
  m.hdr.cs_map_type = kCsMapSrtpId;
  m.hdr.generic_map.clear();
  m.hdr.srtp_map = {{0, 0xcafebabe, 0}, {0, 0, 0}};
  const Bytes enc = Encode(m);
  auto d = Decode(enc);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->hdr.srtp_map.size(), 2u);
  EXPECT_EQ(d->hdr.srtp_map[0].ssrc, 0xcafebabeu);
  EXPECT_EQ(Encode(*d), enc);
}

TEST(MikeyCodec, EveryTruncationOfEveryVendorMessageIsRejected) {
  for (const char* file : {"streamwide-v5.json", "alea-v3.json"}) {
    // Held by name: a range-for over LoadJson(file).at(...) would iterate a member of a temporary
    // destroyed before the loop body runs (only the reference at() returns is kept).
    const nlohmann::json vendor = test::LoadJson(file);
    for (const auto& msg : vendor.at("messages")) {
      auto bytes = Base64Decode(msg.at("i_message_base64").get<std::string>());
      ASSERT_TRUE(bytes.ok());
      ASSERT_TRUE(Decode(*bytes).ok());
      for (size_t n = 0; n < bytes->size(); ++n)
        ASSERT_EQ(Decode(ByteView(bytes->data(), n)).error(), Error::kTruncated) << file << " " << n;
    }
  }
}

TEST(Base64, RoundTripAndErrors) {
  for (size_t n = 0; n < 10; ++n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 37 + 1);
    EXPECT_EQ(*Base64Decode(Base64Encode(b)), b);
  }
  EXPECT_EQ(Base64Encode(Bytes{'f', 'o', 'o', 'b'}), "Zm9vYg==");
  EXPECT_EQ(*Base64Decode(" Zm9v\nYg== "), (Bytes{'f', 'o', 'o', 'b'}));
  EXPECT_EQ(Base64Decode("Zm9").error(), Error::kTruncated);
  EXPECT_EQ(Base64Decode("Zm9*").error(), Error::kUnsupportedValue);
  EXPECT_EQ(Base64Decode("Z=9v").error(), Error::kUnsupportedValue);
}

}  // namespace
}  // namespace mcx::security::mikey
