// SAKKE (RFC 6508, parameter set 1 of RFC 6509): Appendix A byte for byte, the pairing's
// algebra, round trips with fresh keys, and every negative case.
#include "mcx/crypto/sakke.h"

#include <gtest/gtest.h>

#include "tests/support/reference_pairing.h"
#include "tests/support/testdata.h"

namespace mcx::crypto::sakke {
namespace {

using test::HexField;

struct Rfc6508 {
  nlohmann::json j = test::LoadJson("rfc6508-sakke.json");
  Bytes z = HexField(j, "z"), zpub = HexField(j, "Z"), id = HexField(j, "ID");
  Bytes rsk = HexField(j, "RSK"), ssv = HexField(j, "SSV"), sed = HexField(j, "encapsulated_data");
};

const ParameterSet& Ps() { return ParameterSet::Set1(); }

TEST(SakkeParams, MatchTheVectorFile) {
  Rfc6508 t;
  const auto& p = t.j.at("parameter_set_1");
  EXPECT_EQ(ToHex(Ps().p.ToFixedBytes(128)), p.at("p").get<std::string>());
  EXPECT_EQ(ToHex(Ps().q.ToFixedBytes(128)), p.at("q").get<std::string>());
  EXPECT_EQ(ToHex(Ps().curve.Encode(Ps().curve.Generator())), p.at("P").get<std::string>());
  EXPECT_EQ(ToHex(Ps().fp.Encode(Ps().g)), p.at("g").get<std::string>());
  // q = (p+1)/4
  EXPECT_EQ(BigInt::Mul(Ps().q, BigInt(4)), BigInt::Add(Ps().p, BigInt(1)));
}

TEST(SakkePairing, PairingOfPWithItselfIsG) {
  auto w = Pairing(Ps(), Ps().curve.Generator(), Ps().curve.Generator());
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(Ps().fp.Equal(*w, Ps().g));
}

TEST(SakkePairing, IsBilinear) {
  // <[a]P, [b]P> = g^(ab) for random a, b; and PfpPow agrees with repeated pairing algebra.
  HmacDrbg rng(11, "bilinear");
  for (int i = 0; i < 3; ++i) {
    auto a = RandomScalar(rng, Ps().q);
    auto b = RandomScalar(rng, Ps().q);
    ASSERT_TRUE(a.ok() && b.ok());
    auto w = Pairing(Ps(), Ps().curve.MulGen(*a), Ps().curve.MulGen(*b));
    ASSERT_TRUE(w.ok());
    FpElem expect = PfpPow(Ps(), Ps().g, BigInt::ModMul(*a, *b, Ps().q));
    EXPECT_TRUE(Ps().fp.Equal(*w, expect)) << "case " << i;
  }
}

TEST(SakkePairing, RejectsInfinity) {
  EXPECT_EQ(Pairing(Ps(), Ps().curve.Infinity(), Ps().curve.Generator()).error(),
            Error::kPointAtInfinity);
}

TEST(SakkeHash, HashToIntegerRangeGivesTheAppendixValues) {
  Rfc6508 t;
  Bytes in = t.ssv;
  Append(in, t.id);
  EXPECT_EQ(ToHex(HashToIntegerRange(in, Ps().q).ToFixedBytes(128)), t.j.at("r").get<std::string>());
  EXPECT_EQ(ToHex(HashToIntegerRange(HexField(t.j, "g_r"), BigInt::PowerOfTwo(128)).ToFixedBytes(16)),
            t.j.at("mask").get<std::string>());
}

TEST(SakkeVectors, KmsDerivesZAndIssuesTheAppendixRsk) {
  Rfc6508 t;
  auto ms = MasterSecret::Decode(t.z);
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(ToHex(ms->Public().Encoded()), ToHex(t.zpub));
  auto rsk = ms->IssueRsk(t.id);
  ASSERT_TRUE(rsk.ok());
  EXPECT_EQ(ToHex(*rsk), ToHex(t.rsk));
}

TEST(SakkeVectors, AppendixRskValidates) {
  Rfc6508 t;
  auto pub = PublicKey::Decode(t.zpub);
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(ValidateRsk(*pub, t.id, t.rsk).ok());
}

TEST(SakkeVectors, EncapsulationIsByteExact) {
  Rfc6508 t;
  auto pub = PublicKey::Decode(t.zpub);
  ASSERT_TRUE(pub.ok());
  auto sed = Encapsulate(*pub, t.id, t.ssv);
  ASSERT_TRUE(sed.ok());
  EXPECT_EQ(sed->size(), kSedBytes);
  EXPECT_EQ(ToHex(*sed), ToHex(t.sed));
  // g^r equals the appendix value.
  Bytes in = t.ssv;
  Append(in, t.id);
  FpElem gr = PfpPow(Ps(), Ps().g, HashToIntegerRange(in, Ps().q));
  EXPECT_EQ(ToHex(Ps().fp.Encode(gr)), t.j.at("g_r").get<std::string>());
}

TEST(SakkeVectors, DecapsulationRecoversTheSsv) {
  Rfc6508 t;
  auto pub = PublicKey::Decode(t.zpub);
  ASSERT_TRUE(pub.ok());
  auto ssv = Decapsulate(*pub, t.id, t.rsk, t.sed);
  ASSERT_TRUE(ssv.ok()) << ErrorName(ssv.error());
  EXPECT_EQ(ToHex(*ssv), ToHex(t.ssv));
  // The receiver's pairing value w = <Rb, RSK> is g^r.
  auto rb = Ps().curve.Decode(ByteView(t.sed).Sub(0, kPointBytes));
  auto rsk = Ps().curve.Decode(t.rsk);
  auto w = Pairing(Ps(), *rb, *rsk);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(ToHex(Ps().fp.Encode(*w)), t.j.at("receiver_w").get<std::string>());
}

class SakkeFresh : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ms = MasterSecret::Generate(rng_);
    ASSERT_TRUE(ms.ok());
    kms_ = std::make_unique<MasterSecret>(std::move(ms).value());
    auto rsk = kms_->IssueRsk(id_);
    ASSERT_TRUE(rsk.ok());
    rsk_ = *rsk;
  }
  HmacDrbg rng_{99, "sakke-fresh"};
  std::unique_ptr<MasterSecret> kms_;
  Bytes id_ = Bytes(32, 0x3c);
  Bytes rsk_;
  Bytes ssv_ = Bytes(16, 0x42);
};

TEST_F(SakkeFresh, IssueValidateEncapsulateDecapsulate) {
  EXPECT_TRUE(ValidateRsk(kms_->Public(), id_, rsk_).ok());
  auto key = ReceiverKey::Create(kms_->Public(), id_, rsk_);
  ASSERT_TRUE(key.ok());
  for (int i = 0; i < 3; ++i) {
    auto ssv = rng_.Generate(kSsvBytes);
    auto sed = Encapsulate(kms_->Public(), id_, *ssv);
    ASSERT_TRUE(sed.ok());
    auto got = key->Decapsulate(*sed);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->Expose(), ssv->Expose());
  }
}

TEST_F(SakkeFresh, MasterSecretRoundTripsThroughItsEncoding) {
  auto again = MasterSecret::Decode(kms_->Encode());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Public().Encoded(), kms_->Public().Encoded());
}

TEST_F(SakkeFresh, IntegrityCheckCatchesTheWrongReceiverAndTampering) {
  auto sed = Encapsulate(kms_->Public(), id_, ssv_);
  ASSERT_TRUE(sed.ok());
  // Another identity with its own valid RSK cannot decapsulate.
  Bytes other_id(32, 0x77);
  auto other_rsk = kms_->IssueRsk(other_id);
  EXPECT_EQ(Decapsulate(kms_->Public(), other_id, *other_rsk, *sed).error(),
            Error::kSakkeIntegrityFailed);
  // A flipped bit of H changes the SSV, and r no longer reproduces Rb.
  Bytes bad = *sed;
  bad[kSedBytes - 1] ^= 0x80;
  EXPECT_EQ(Decapsulate(kms_->Public(), id_, rsk_, bad).error(), Error::kSakkeIntegrityFailed);
  // Rb replaced by another valid curve point of order q.
  Bytes other_pt = Ps().curve.Encode(Ps().curve.MulGen(BigInt(12345)));
  bad = *sed;
  std::copy(other_pt.begin(), other_pt.end(), bad.begin());
  EXPECT_EQ(Decapsulate(kms_->Public(), id_, rsk_, bad).error(), Error::kSakkeIntegrityFailed);
  // A KMS public key of another domain.
  auto other_kms = MasterSecret::Generate(rng_);
  EXPECT_EQ(Decapsulate(other_kms->Public(), id_, rsk_, *sed).error(),
            Error::kSakkeIntegrityFailed);
}

TEST_F(SakkeFresh, MalformedInputsEachHaveTheirOwnError) {
  auto sed = Encapsulate(kms_->Public(), id_, ssv_);
  ASSERT_TRUE(sed.ok());
  // SED of the wrong length.
  Bytes bad(sed->begin(), sed->end() - 1);
  EXPECT_EQ(Decapsulate(kms_->Public(), id_, rsk_, bad).error(), Error::kBadLength);
  // Rb not uncompressed.
  bad = *sed;
  bad[0] = 0x03;
  EXPECT_EQ(Decapsulate(kms_->Public(), id_, rsk_, bad).error(), Error::kBadPointEncoding);
  // Rb off the curve.
  bad = *sed;
  bad[200] ^= 0x01;
  EXPECT_EQ(Decapsulate(kms_->Public(), id_, rsk_, bad).error(), Error::kPointNotOnCurve);
  // Rb coordinate not reduced.
  bad = *sed;
  std::fill(bad.begin() + 1, bad.begin() + 129, 0xff);
  EXPECT_EQ(Decapsulate(kms_->Public(), id_, rsk_, bad).error(), Error::kFieldElementTooLarge);
  // SSV of the wrong length.
  EXPECT_EQ(Encapsulate(kms_->Public(), id_, Bytes(15, 1)).error(), Error::kBadLength);
  // Z: wrong length, off the curve.
  EXPECT_EQ(PublicKey::Decode(Bytes(256, 4)).error(), Error::kBadLength);
  Bytes z = kms_->Public().Encoded();
  z[100] ^= 0x01;
  EXPECT_EQ(PublicKey::Decode(z).error(), Error::kPointNotOnCurve);
  // Master secret: wrong length, zero, >= q.
  EXPECT_EQ(MasterSecret::Decode(Bytes(127, 1)).error(), Error::kBadLength);
  EXPECT_EQ(MasterSecret::Decode(Bytes(128, 0)).error(), Error::kScalarOutOfRange);
  EXPECT_EQ(MasterSecret::Decode(Bytes(128, 0xff)).error(), Error::kScalarOutOfRange);
}

TEST_F(SakkeFresh, InvalidRskIsDetected) {
  // An RSK for another identity, an RSK of another KMS, an off-curve RSK, a wrong-length RSK.
  auto other = kms_->IssueRsk(Bytes(32, 0x01));
  EXPECT_EQ(ValidateRsk(kms_->Public(), id_, *other).error(), Error::kInvalidRsk);
  auto other_kms = MasterSecret::Generate(rng_);
  auto foreign = other_kms->IssueRsk(id_);
  EXPECT_EQ(ValidateRsk(kms_->Public(), id_, *foreign).error(), Error::kInvalidRsk);
  Bytes bad = rsk_;
  bad[256] ^= 0x01;
  EXPECT_EQ(ValidateRsk(kms_->Public(), id_, bad).error(), Error::kPointNotOnCurve);
  bad = rsk_;
  bad.pop_back();
  EXPECT_EQ(ValidateRsk(kms_->Public(), id_, bad).error(), Error::kBadLength);
  EXPECT_EQ(ReceiverKey::Create(kms_->Public(), id_, *other).error(), Error::kInvalidRsk);
  // Without the RSK's own line table the check runs on the KMS's tables (by bilinearity).
  EXPECT_EQ(ReceiverKey::Create(kms_->Public(), id_, *other, true, false).error(), Error::kInvalidRsk);
  EXPECT_EQ(ReceiverKey::Create(kms_->Public(), id_, *foreign, true, false).error(), Error::kInvalidRsk);
  EXPECT_TRUE(ReceiverKey::Create(kms_->Public(), id_, rsk_, true, false).ok());
}

}  // namespace
}  // namespace mcx::crypto::sakke
