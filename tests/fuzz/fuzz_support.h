// Shared by the fuzz targets: a failed property aborts with its place (libFuzzer then saves the
// input as crash-*), a small reader that takes typed values from the input, and a small
// deterministic generator for the custom mutators. No libFuzzer header is needed, so the same
// target compiles into the corpus replay of the normal build (replay_main.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mcx/crypto/bytes.h"

/// A property of the code under test that the input broke: report and abort (a finding).
#define FUZZ_CHECK(cond)                                                                        \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s\n  at %s:%d\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

extern "C" {
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
/// libFuzzer's own mutator, for the custom mutators (a no-op in the replay build).
size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);
}

namespace mcx::fuzz {

/// Takes values from the front of the input; past its end every value is 0 / empty.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  bool empty() const { return n_ == 0; }
  size_t left() const { return n_; }
  uint8_t U8() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  // The reads in statements of their own: the operands of | are unsequenced.
  uint16_t U16() {
    const uint16_t hi = U8();
    return static_cast<uint16_t>(hi << 8 | U8());
  }
  uint32_t U32() {
    const uint32_t hi = U16();
    return hi << 16 | U16();
  }
  /// Up to `n` bytes (fewer at the end of the input).
  crypto::Bytes Take(size_t n) {
    if (n > n_) n = n_;
    crypto::Bytes b(p_, p_ + n);
    p_ += n;
    n_ -= n;
    return b;
  }
  /// A length byte, then that many bytes.
  crypto::Bytes Lv8() { return Take(U8()); }
  crypto::Bytes Lv16() { return Take(U16()); }
  std::string Str8() {
    crypto::Bytes b = Lv8();
    return std::string(b.begin(), b.end());
  }
  crypto::Bytes Rest() { return Take(n_); }

 private:
  const uint8_t* p_;
  size_t n_;
};

/// SplitMix64: the custom mutators' decisions, from libFuzzer's seed.
class Prng {
 public:
  explicit Prng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (n > 0).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
  bool OneIn(uint32_t n) { return Below(n) == 0; }

 private:
  uint64_t s_;
};

/// Runs libFuzzer's mutator on a byte string (it may grow by up to `extra` bytes).
inline void MutateBytes(crypto::Bytes& b, size_t extra = 64) {
  const size_t size = b.size();
  b.resize(size + extra + 1);
  const size_t n = LLVMFuzzerMutate(b.data(), size, b.size());
  b.resize(n);
}

}  // namespace mcx::fuzz
