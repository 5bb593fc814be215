// Internal (SAKKE fast paths): the non-adjacent form of the Miller loop's public exponent q - 1
// (RFC 6508 3.2). The signed-window recoding of secret scalars is a template in the header.
#include "mcx/crypto/internal/sakke_recoding.h"

namespace mcx::crypto::sakke::fast {

/// Bit by bit: a position holding 1 becomes -1 (with a carry) when the next bit is also 1.
std::vector<int8_t> Naf(const BigInt& e) {
  const int n = e.BitLength();
  std::vector<int8_t> lsb_first;
  int carry = 0;
  for (int i = 0; i <= n; ++i) {
    const int b = (e.Bit(i) ? 1 : 0) + carry;
    const int next = i + 1 < n && e.Bit(i + 1) ? 1 : 0;
    int8_t digit = 0;
    if (b == 1) {
      digit = next ? -1 : 1;
      carry = next;
    } else {
      carry = b == 2 ? 1 : 0;
    }
    lsb_first.push_back(digit);
  }
  while (!lsb_first.empty() && lsb_first.back() == 0) lsb_first.pop_back();
  return std::vector<int8_t>(lsb_first.rbegin(), lsb_first.rend());
}

}  // namespace mcx::crypto::sakke::fast
