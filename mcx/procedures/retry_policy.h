// How a client retries a request that got no answer (an unreachable KMS, a lost REGISTER, a GMS
// that does not serve its document): exponential back-off, as RFC 3261 8.1.3.1 and RFC 7231 7.1.3
// leave the policy to the client. One place for every client's retries.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace mcx::procedures {

struct RetryPolicy {
  double first_s = 1.0;   ///< the wait before the first retry
  double max_s = 32.0;    ///< waits double up to this
  uint32_t retries = 6;   ///< retries after the first attempt (0: none)

  /// The wait before retry number `n` (0-based): first_s * 2^n, at most max_s.
  double Delay(uint32_t n) const { return std::min(max_s, first_s * std::pow(2.0, static_cast<double>(n))); }
  /// Whether the attempt that just failed (0 = the first) may be followed by another.
  bool MayRetry(uint32_t failed_attempt) const { return failed_attempt < retries; }
};

}  // namespace mcx::procedures
