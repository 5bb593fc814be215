// Internal (SAKKE fast paths): scalar recodings. The non-adjacent form of a public exponent (the
// Miller loop over q - 1, RFC 6508 3.2), and the signed-window digits of a secret scalar the
// fixed-base tables are read with (RFC 6508 6.2.1 steps 2 and 3), computed without branches on
// the scalar from its bits in fixed-size words.
#pragma once

#include <cstdint>
#include <vector>

#include "mcx/crypto/internal/fp1024.h"

namespace mcx::crypto::sakke::fast {

/// Non-adjacent form of e, most significant digit first (digits -1, 0, 1; the first is 1).
std::vector<int8_t> Naf(const BigInt& e);

// A scalar's bits read from fixed-size words (no branch on its size, unlike BN_is_bit_set).
struct ScalarBits {
  uint64_t w[crypto::fast::kLimbs + 1] = {};
  explicit ScalarBits(const BigInt& k) {
    const Bytes be = k.ToFixedBytes(crypto::fast::kFeBytes);
    for (int i = 0; i < crypto::fast::kLimbs; ++i)
      for (int b = 0; b < 8; ++b) w[i] = w[i] << 8 | be[crypto::fast::kFeBytes - 8 * (i + 1) + b];
  }
  ~ScalarBits() { SecureWipe(w, sizeof w); }
  /// Bits [from, from + count) as an integer (count <= 8; bits past 1024 are 0).
  int Get(int from, int count) const {
    const int i = from >> 6, s = from & 63;
    uint64_t v = w[i] >> s;
    if (s + count > 64 && i + 1 <= crypto::fast::kLimbs) v |= w[i + 1] << (64 - s);
    return static_cast<int>(v & ((uint64_t{1} << count) - 1));
  }
};

// Signed digits of 0 <= k < 2^1024 in (-2^(w-1), 2^(w-1)], one per w-bit position (and one for
// the final carry), recoded without branches on k.
template <int W>
std::vector<int8_t> RecodeSigned(const BigInt& k) {
  constexpr int kPos = (1024 + W - 1) / W + 1;
  const ScalarBits bits(k);
  std::vector<int8_t> digits(kPos);
  int carry = 0;
  for (int j = 0; j < kPos; ++j) {
    const int v = bits.Get(j * W, W) + carry;
    const int neg = (((1 << (W - 1)) - v) >> 31) & 1;  // v > 2^(w-1)
    digits[j] = static_cast<int8_t>(v - (neg << W));
    carry = neg;
  }
  return digits;
}

// The index and sign of a signed digit, without branches.
struct DigitParts {
  int negative, abs;
  explicit DigitParts(int digit) : negative((digit >> 31) & 1), abs((digit ^ -negative) + negative) {}
};

}  // namespace mcx::crypto::sakke::fast
