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

TEST(HmacDrbg, ChunkingDoesNotMatterWithinOneRequest) {
  HmacDrbg a(1, "x"), b(1, "x");
  Bytes one = Draw(a, 64);
  Bytes two = Draw(b, 64);
  EXPECT_EQ(one, two);
  EXPECT_NE(Bytes(one.begin(), one.begin() + 32), Bytes(one.begin() + 32, one.end()));
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
