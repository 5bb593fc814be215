#include "mcx/crypto/bytes.h"

#include <gtest/gtest.h>

namespace mcx::crypto {
namespace {

TEST(Bytes, HexRoundTrip) {
  Bytes b{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(ToHex(b), "0001abff");
  EXPECT_EQ(*FromHex("0001ABff"), b);
}

TEST(Bytes, HexRejectsOddLengthAndBadDigits) {
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
  EXPECT_TRUE(FromHex("").has_value());
}

TEST(Bytes, SubClampsToEnd) {
  Bytes b{1, 2, 3, 4};
  ByteView v(b);
  EXPECT_EQ(v.Sub(1, 2).ToBytes(), (Bytes{2, 3}));
  EXPECT_EQ(v.Sub(3).ToBytes(), (Bytes{4}));
  EXPECT_TRUE(v.Sub(9).empty());
}

TEST(Bytes, SecretBytesWipeClears) {
  SecretBytes s(ByteView(Bytes{1, 2, 3}));
  SecretBytes copy = s;
  s.Wipe();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(copy.Expose(), (Bytes{1, 2, 3}));
  SecretBytes moved = std::move(copy);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(moved.size(), 3u);
}

TEST(Bytes, ConstantTimeEqual) {
  EXPECT_TRUE(ConstantTimeEqual(Bytes{1, 2}, Bytes{1, 2}));
  EXPECT_FALSE(ConstantTimeEqual(Bytes{1, 2}, Bytes{1, 3}));
  EXPECT_FALSE(ConstantTimeEqual(Bytes{1, 2}, Bytes{1, 2, 3}));
}

TEST(Bytes, BigEndianHelpers) {
  Bytes b;
  AppendU16(b, 0x0102);
  AppendU32(b, 0x03040506);
  AppendU64(b, 0x0708090a0b0c0d0eULL);
  EXPECT_EQ(ToHex(b), "0102030405060708090a0b0c0d0e");
  EXPECT_EQ(LoadU32(b.data() + 2), 0x03040506u);
}

}  // namespace
}  // namespace mcx::crypto
