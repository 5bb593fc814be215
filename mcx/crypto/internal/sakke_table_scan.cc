// Internal (SAKKE fast paths): the constant-time table scans (AVX-512 masked loads, or portable
// masks) and the CPU feature check that picks between them (CPUID leaf 7 AVX512F, leaf 1
// OSXSAVE, and XCR0: the OS saves the XMM, YMM, opmask and ZMM state).
#include "mcx/crypto/internal/sakke_table_scan.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cstdlib>
#include <cstring>

namespace mcx::crypto::sakke::fast {

namespace {

// AVX-512 for the table scans, unless MCX_NO_AVX512=1 asks for the portable code (tests).
bool CpuHasAvx512() {
  static const bool has = [] {
    if (std::getenv("MCX_NO_AVX512")) return false;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b >> 16 & 1)) return false;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1)) return false;
    unsigned lo = 0, hi = 0;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xe6) == 0xe6;
  }();
  return has;
}

// Constant-time table read: out = entry `wanted` of `count` entries of W words (W = 16: one
// field element, 32: two), all zero when none matches. Every entry is loaded; the match only
// decides a mask.
template <int W>
__attribute__((target("avx512f"))) void ScanAvx512(const uint64_t* entries, int count, int wanted, uint64_t* out) {
  constexpr int kVectors = W / 8;
  __m512i acc[kVectors];
  for (__m512i& a : acc) a = _mm512_setzero_si512();
  for (int m = 0; m < count; ++m) {
    const __mmask8 k = static_cast<__mmask8>(0u - static_cast<unsigned>(m == wanted));
    const uint64_t* e = entries + W * m;
    for (int v = 0; v < kVectors; ++v) acc[v] = _mm512_mask_loadu_epi64(acc[v], k, e + 8 * v);
  }
  for (int v = 0; v < kVectors; ++v) _mm512_storeu_si512(out + 8 * v, acc[v]);
}

template <int W>
void ScanPortable(const uint64_t* entries, int count, int wanted, uint64_t* out) {
  uint64_t acc[W] = {};
  for (int m = 0; m < count; ++m) {
    const uint64_t mask = uint64_t{0} - static_cast<uint64_t>(m == wanted);
    const uint64_t* e = entries + W * m;
    for (int j = 0; j < W; ++j) acc[j] |= e[j] & mask;
  }
  std::memcpy(out, acc, sizeof acc);
}

}  // namespace

template <int W>
void Scan(const uint64_t* entries, int count, int wanted, uint64_t* out) {
  CpuHasAvx512() ? ScanAvx512<W>(entries, count, wanted, out) : ScanPortable<W>(entries, count, wanted, out);
}

template void Scan<16>(const uint64_t* entries, int count, int wanted, uint64_t* out);
template void Scan<32>(const uint64_t* entries, int count, int wanted, uint64_t* out);

}  // namespace mcx::crypto::sakke::fast
