// Internal (SAKKE fast paths): constant-time reads of secret-indexed table entries. Every entry is
// loaded and the wanted one kept by a mask, so the memory access pattern does not depend on the
// index (the fixed-base tables of RFC 6508 6.2.1 steps 2 and 3 are indexed by digits of the
// secret r). AVX-512 when the CPU and OS have it, portable code otherwise.
#pragma once

#include <cstdint>

namespace mcx::crypto::sakke::fast {

/// out = entry `wanted` of `count` entries of W 64-bit words (W = 16: one field element, 32: two,
/// an affine point), all zero when none matches (wanted outside 0..count-1). Constant time in
/// `wanted`. AVX-512 unless the CPU lacks it or MCX_NO_AVX512=1 asks for the portable code
/// (tests); both give the same result.
template <int W>
void Scan(const uint64_t* entries, int count, int wanted, uint64_t* out);

extern template void Scan<16>(const uint64_t* entries, int count, int wanted, uint64_t* out);
extern template void Scan<32>(const uint64_t* entries, int count, int wanted, uint64_t* out);

}  // namespace mcx::crypto::sakke::fast
