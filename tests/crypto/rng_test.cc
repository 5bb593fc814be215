#include "mcx/crypto/rng.h"

#include <gtest/gtest.h>

#include "mcx/crypto/internal/bigint.h"

namespace mcx::crypto {
namespace {

Bytes Draw(Rng& r, size_t n) {
  Bytes b(n);
  EXPECT_TRUE(r.Fill(b.data(), n).ok());
  return b;
}

TEST(HmacDrbg, SameSeedSameStreamDifferentSeedDifferentStream) {
  HmacDrbg a(42, "stream"), b(42, "stream"), c(43, "stream"), d(42, "other");
  Bytes xa = Draw(a, 100);
  EXPECT_EQ(xa, Draw(b, 100));
  EXPECT_NE(xa, Draw(c, 100));
  EXPECT_NE(xa, Draw(d, 100));
  EXPECT_NE(Draw(a, 100), xa);  // the stream advances
}

// NIST CAVP HMAC_DRBG.rsp, [SHA-256], no reseed, [PredictionResistance = False], empty
// personalization and additional input, COUNT = 0: instantiate with EntropyInput || Nonce, two
// Generate calls of 1024 bits; ReturnedBits is the second one's output.
TEST(HmacDrbg, MatchesTheCavpAnswer) {
  Bytes seed = *FromHex("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488");
  Append(seed, *FromHex("659ba96c601dc69fc902940805ec0ca8"));
  const std::string returned_bits =
      "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89"
      "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1"
      "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
      "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8";
  HmacDrbg drbg(seed);
  Draw(drbg, 128);
  EXPECT_EQ(ToHex(Draw(drbg, 128)), returned_bits);
  // The same 256 bytes asked for in one request: its second half is not the second request's
  // output, since only the end of a request updates (K, V) (SP 800-90A 10.1.2.5 step 6).
  HmacDrbg one_request(seed);
  const Bytes all = Draw(one_request, 256);
  EXPECT_NE(ToHex(ByteView(all).Sub(128)), returned_bits);
}

// Within one request the output is V_1 || V_2 || ... cut to the requested length (SP 800-90A
// 10.1.2.5 steps 4 and 5), so a shorter request is a prefix of a longer one; every request ends
// with HMAC_DRBG_Update (step 6), so the next request starts from a new state and how the bytes
// are split into requests matters. Equal seeds and equal request sizes give equal streams.
TEST(HmacDrbg, OutputDependsOnTheRequestSizesNotOnlyOnTheirSum) {
  HmacDrbg a(1, "x"), b(1, "x"), c(1, "x"), d(1, "x");
  const Bytes one_request = Draw(a, 64);
  const ByteView blocks(one_request);
  EXPECT_EQ(ToHex(Draw(b, 40)), ToHex(blocks.Sub(0, 40)));
  EXPECT_NE(ToHex(blocks.Sub(0, 32)), ToHex(blocks.Sub(32)));

  // Two requests of 32 bytes: the first is the first block of the 64-byte request, the second is
  // not its second block.
  Bytes two_requests = Draw(c, 32);
  EXPECT_EQ(ToHex(two_requests), ToHex(blocks.Sub(0, 32)));
  Append(two_requests, Draw(c, 32));
  EXPECT_NE(ToHex(two_requests), ToHex(one_request));

  // The same sequence of request sizes from the same seed gives the same bytes.
  Bytes again = Draw(d, 32);
  Append(again, Draw(d, 32));
  EXPECT_EQ(ToHex(again), ToHex(two_requests));
}

TEST(FixedRng, ReturnsQueuedValuesThenFails) {
  FixedRng r{{1, 2}, {3}};
  EXPECT_EQ(Draw(r, 2), (Bytes{1, 2}));
  uint8_t x[2];
  EXPECT_EQ(r.Fill(x, 2).error(), Error::kRandomFailure);  // size mismatch with {3}
}

TEST(RandomScalar, InRangeAndFixedValuesPassThrough) {
  const BigInt n(1000);
  FixedRng fixed{{0x01, 0x2c}};  // 300
  auto k = RandomScalar(fixed, n);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, BigInt(300));
  HmacDrbg drbg(5, "scalars");
  for (int i = 0; i < 200; ++i) {
    auto s = RandomScalar(drbg, n);
    ASSERT_TRUE(s.ok());
    EXPECT_FALSE(s->IsZero());
    EXPECT_TRUE(*s < n);
  }
}

TEST(RandomScalar, RejectsZeroAndOutOfRangeByRedrawing) {
  FixedRng fixed{{0x00, 0x00}, {0x03, 0xe8}, {0x00, 0x07}};  // 0, 1000 (= n), then 7
  auto k = RandomScalar(fixed, BigInt(1000));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, BigInt(7));
}

}  // namespace
}  // namespace mcx::crypto
