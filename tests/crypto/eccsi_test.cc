// ECCSI (RFC 6507): Appendix A byte for byte, round trips with fresh keys, and every negative case.
#include "mcx/crypto/eccsi.h"

#include <gtest/gtest.h>

#include "mcx/crypto/internal/bigint.h"
#include "mcx/crypto/internal/ec_group.h"
#include "mcx/crypto/internal/p256_fast.h"
#include "tests/support/testdata.h"

namespace mcx::crypto::eccsi {
namespace {

using test::HexField;

struct Rfc6507 {
  nlohmann::json j = test::LoadJson("rfc6507-eccsi.json");
  Bytes ksak = HexField(j, "KSAK"), kpak = HexField(j, "KPAK"), id = HexField(j, "ID");
  Bytes v = HexField(j, "v"), pvt = HexField(j, "PVT"), ssk = HexField(j, "SSK");
  Bytes m = HexField(j, "M"), jj = HexField(j, "j"), sig = HexField(j, "signature");
};

TEST(EccsiVectors, KmsDerivesKpakAndIssuesSskPvt) {
  Rfc6507 t;
  auto kms = KmsSecret::Decode(t.ksak);
  ASSERT_TRUE(kms.ok());
  EXPECT_EQ(ToHex(kms->Kpak()), ToHex(t.kpak));
  EXPECT_EQ(ToHex(ComputeHs(t.kpak, t.id, t.pvt)), t.j.at("HS").get<std::string>());
  FixedRng v{t.v};
  auto uk = kms->Issue(t.id, v);
  ASSERT_TRUE(uk.ok());
  EXPECT_EQ(ToHex(uk->pvt), ToHex(t.pvt));
  EXPECT_EQ(ToHex(uk->ssk), ToHex(t.ssk));
  EXPECT_TRUE(ValidateSsk(t.kpak, t.id, t.ssk, t.pvt).ok());
}

TEST(EccsiVectors, SignWithFixedJGivesTheAppendixSignature) {
  Rfc6507 t;
  auto signer = Signer::Create(t.kpak, t.id, t.ssk, t.pvt);
  ASSERT_TRUE(signer.ok());
  FixedRng j{t.jj};
  auto sig = signer->Sign(t.m, j);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(ToHex(*sig), ToHex(t.sig));
  EXPECT_EQ(sig->size(), kSignatureBytes);
}

TEST(EccsiVectors, AppendixSignatureVerifies) {
  Rfc6507 t;
  EXPECT_TRUE(Verify(t.kpak, t.id, t.m, t.sig).ok());
}

TEST(EccsiVectors, VerifierYMatches) {
  // Y = [HS]PVT + KPAK, the value a verifier may cache per sender.
  Rfc6507 t;
  const EcGroup& g = EcGroup::P256();
  auto pvt = g.Decode(t.pvt);
  auto kpak = g.Decode(t.kpak);
  ASSERT_TRUE(pvt.ok() && kpak.ok());
  EcPoint y = g.Add(g.Mul(*pvt, BigInt::FromBytes(ComputeHs(t.kpak, t.id, t.pvt))), *kpak);
  EXPECT_EQ(ToHex(g.Encode(y)), t.j.at("verifier_Y").get<std::string>());
}

class EccsiFresh : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = KmsSecret::Generate(rng_);
    ASSERT_TRUE(k.ok());
    kms_ = std::make_unique<KmsSecret>(std::move(k).value());
    auto uk = kms_->Issue(id_, rng_);
    ASSERT_TRUE(uk.ok());
    key_ = std::move(uk).value();
  }
  HmacDrbg rng_{2024, "eccsi-fresh"};
  std::unique_ptr<KmsSecret> kms_;
  Bytes id_ = Bytes(32, 0xa5);
  UserKey key_;
  std::string msg_ = "the message";
};

TEST_F(EccsiFresh, IssueValidateSignVerify) {
  EXPECT_TRUE(ValidateSsk(kms_->Kpak(), id_, key_.ssk, key_.pvt).ok());
  auto signer = Signer::Create(kms_->Kpak(), id_, key_.ssk, key_.pvt);
  ASSERT_TRUE(signer.ok());
  for (int i = 0; i < 20; ++i) {
    std::string m = msg_ + std::to_string(i);
    auto sig = signer->Sign(m, rng_);
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(Verify(kms_->Kpak(), id_, m, *sig).ok());
  }
}

TEST_F(EccsiFresh, KmsSecretRoundTripsThroughItsEncoding) {
  auto again = KmsSecret::Decode(kms_->Encode());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Kpak(), kms_->Kpak());
}

TEST_F(EccsiFresh, EveryAlteredByteOfTheSignatureIsRejected) {
  auto signer = Signer::Create(kms_->Kpak(), id_, key_.ssk, key_.pvt);
  auto sig = signer->Sign(msg_, rng_);
  ASSERT_TRUE(sig.ok());
  for (size_t i = 0; i < sig->size(); ++i) {
    Bytes bad = *sig;
    bad[i] ^= 0x01;
    Status st = Verify(kms_->Kpak(), id_, msg_, bad);
    EXPECT_FALSE(st.ok()) << "byte " << i;
  }
}

TEST_F(EccsiFresh, NegativeCasesEachHaveTheirOwnError) {
  auto signer = Signer::Create(kms_->Kpak(), id_, key_.ssk, key_.pvt);
  auto sig = signer->Sign(msg_, rng_);
  ASSERT_TRUE(sig.ok());
  // Bad signature: another message, another identity, another KMS.
  EXPECT_EQ(Verify(kms_->Kpak(), id_, msg_ + ".", *sig).error(), Error::kSignatureInvalid);
  EXPECT_EQ(Verify(kms_->Kpak(), Bytes(32, 0x5a), msg_, *sig).error(), Error::kSignatureInvalid);
  auto other = KmsSecret::Generate(rng_);
  EXPECT_EQ(Verify(other->Kpak(), id_, msg_, *sig).error(), Error::kSignatureInvalid);
  // Wrong-length signature.
  Bytes short_sig(sig->begin(), sig->end() - 1);
  EXPECT_EQ(Verify(kms_->Kpak(), id_, msg_, short_sig).error(), Error::kBadLength);
  // Malformed PVT inside the signature: wrong prefix, off the curve, coordinate >= p.
  Bytes bad = *sig;
  bad[64] = 0x02;
  EXPECT_EQ(Verify(kms_->Kpak(), id_, msg_, bad).error(), Error::kBadPointEncoding);
  bad = *sig;
  bad[128] ^= 0x01;
  EXPECT_EQ(Verify(kms_->Kpak(), id_, msg_, bad).error(), Error::kPointNotOnCurve);
  bad = *sig;
  std::fill(bad.begin() + 65, bad.begin() + 97, 0xff);
  EXPECT_EQ(Verify(kms_->Kpak(), id_, msg_, bad).error(), Error::kFieldElementTooLarge);
  // s = 0 and s >= q.
  bad = *sig;
  std::fill(bad.begin() + 32, bad.begin() + 64, 0x00);
  EXPECT_EQ(Verify(kms_->Kpak(), id_, msg_, bad).error(), Error::kSignatureInvalid);
  bad = *sig;
  std::fill(bad.begin() + 32, bad.begin() + 64, 0xff);
  EXPECT_EQ(Verify(kms_->Kpak(), id_, msg_, bad).error(), Error::kSignatureInvalid);
  // Malformed KPAK.
  Bytes kpak = kms_->Kpak();
  kpak.pop_back();
  EXPECT_EQ(Verify(kpak, id_, msg_, *sig).error(), Error::kBadLength);
}

TEST_F(EccsiFresh, InvalidSskIsDetected) {
  // An SSK for another identity, a corrupted SSK, a PVT of someone else.
  EXPECT_EQ(ValidateSsk(kms_->Kpak(), Bytes(32, 0x11), key_.ssk, key_.pvt).error(),
            Error::kInvalidSsk);
  SecretBytes ssk = key_.ssk;
  ssk[31] ^= 0x01;
  EXPECT_EQ(ValidateSsk(kms_->Kpak(), id_, ssk, key_.pvt).error(), Error::kInvalidSsk);
  EXPECT_EQ(Signer::Create(kms_->Kpak(), id_, ssk, key_.pvt).error(), Error::kInvalidSsk);
  auto other = kms_->Issue(Bytes(32, 0x22), rng_);
  EXPECT_EQ(ValidateSsk(kms_->Kpak(), id_, key_.ssk, other->pvt).error(), Error::kInvalidSsk);
  // Wrong length and out-of-range SSK.
  EXPECT_EQ(ValidateSsk(kms_->Kpak(), id_, Bytes(31, 1), key_.pvt).error(), Error::kBadLength);
  EXPECT_EQ(ValidateSsk(kms_->Kpak(), id_, Bytes(32, 0), key_.pvt).error(),
            Error::kScalarOutOfRange);
  EXPECT_EQ(ValidateSsk(kms_->Kpak(), id_, Bytes(32, 0xff), key_.pvt).error(),
            Error::kScalarOutOfRange);
}

TEST(EccsiKms, DecodeRejectsBadKsak) {
  EXPECT_EQ(KmsSecret::Decode(Bytes(31, 1)).error(), Error::kBadLength);
  EXPECT_EQ(KmsSecret::Decode(Bytes(32, 0)).error(), Error::kScalarOutOfRange);
}

TEST(EccsiKms, ExhaustedRandomSourceIsAnError) {
  FixedRng empty;
  EXPECT_EQ(KmsSecret::Generate(empty).error(), Error::kRandomFailure);
}

}  // namespace
}  // namespace mcx::crypto::eccsi

namespace mcx::crypto::eccsi {
namespace {

TEST_F(EccsiFresh, VerifierCachesPerSenderAndStillRejects) {
  auto verifier = Verifier::Create(kms_->Kpak());
  ASSERT_TRUE(verifier.ok());
  auto signer = Signer::Create(kms_->Kpak(), id_, key_.ssk, key_.pvt);
  for (int i = 0; i < 5; ++i) {
    const std::string m = msg_ + std::to_string(i);
    auto sig = signer->Sign(m, rng_);
    EXPECT_TRUE(verifier->Verify(id_, m, *sig).ok());
    EXPECT_EQ(verifier->Verify(id_, m + "x", *sig).error(), Error::kSignatureInvalid);
    EXPECT_EQ(verifier->Verify(Bytes(32, 1), m, *sig).error(), Error::kSignatureInvalid);
  }
  EXPECT_EQ(verifier->CachedSenders(), 2u);  // (id, PVT) and (the other id, PVT)
  Rfc6507 t;
  auto rfc = Verifier::Create(t.kpak);
  EXPECT_TRUE(rfc->Verify(t.id, t.m, t.sig).ok());
}


// The variable-time P-256 tables (signature verification only) against OpenSSL's EC: random
// scalars, zero scalars, and a sum that is the identity.
TEST(EccsiFastVerify, TablesMatchOpenSsl) {
  const EcGroup& g = EcGroup::P256();
  HmacDrbg rng(31, "p256 tables");
  BigInt gx, gy;
  g.Affine(g.Generator(), gx, gy);
  const p256::PointTable gt(gx, gy, 8);
  const BigInt k = *RandomScalar(rng, g.Order());
  const EcPoint y = g.MulGen(k);
  BigInt yx, yy;
  g.Affine(y, yx, yy);
  const p256::PointTable yt(yx, yy);
  for (int i = 0; i < 200; ++i) {
    BigInt u1 = *RandomScalar(rng, g.Order()), u2 = *RandomScalar(rng, g.Order());
    if (i == 0) u1 = BigInt(0);
    if (i == 1) u2 = BigInt(0);
    if (i == 2) u1 = BigInt::Sub(g.Order(), BigInt(1));
    const EcPoint ref = g.MulGenAdd(u1, y, u2);
    BigInt rx, ry;
    g.Affine(ref, rx, ry);
    ASSERT_TRUE(p256::MulAddXIs(gt, u1, yt, u2, rx)) << i;
    ASSERT_FALSE(p256::MulAddXIs(gt, u1, yt, u2, BigInt::Mod(BigInt::Add(rx, BigInt(1)), g.FieldPrime()))) << i;
  }
  // [5]G + [q - 5]G is the identity (whose x would read as 0).
  EXPECT_FALSE(p256::MulAddXIs(gt, BigInt(5), gt, BigInt::Sub(g.Order(), BigInt(5)), BigInt(0)));
  // [a]G + [a]G takes the doubling case.
  BigInt tx, ty;
  g.Affine(g.MulGen(BigInt(14)), tx, ty);
  EXPECT_TRUE(p256::MulAddXIs(gt, BigInt(7), gt, BigInt(7), tx));
}

// A sender's later signatures go through its table: every result equals the plain verification.
TEST_F(EccsiFresh, TableVerificationAgreesWithThePlainOne) {
  auto verifier = Verifier::Create(kms_->Kpak());
  auto signer = Signer::Create(kms_->Kpak(), id_, key_.ssk, key_.pvt);
  ASSERT_TRUE(verifier.ok() && signer.ok());
  for (int i = 0; i < 100; ++i) {
    const std::string m = msg_ + std::to_string(i);
    Bytes sig = *signer->Sign(m, rng_);
    if (i % 3 == 2) sig[i % 64] ^= 0x10;  // r or s altered
    const Status plain = Verify(kms_->Kpak(), id_, m, sig);
    const Status cached = verifier->Verify(id_, m, sig);
    ASSERT_EQ(plain.ok(), cached.ok()) << i;
    ASSERT_EQ(cached.ok(), i % 3 != 2) << i;
  }
}

}  // namespace
}  // namespace mcx::crypto::eccsi
