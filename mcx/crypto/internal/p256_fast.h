// Internal: variable-time P-256 arithmetic for ECCSI verification (public data only): a 4 x
// 64-bit Montgomery field, Jacobian points (a = -3), and per-point tables of signed windows so
// that [u1]A + [u2]B takes two rows of mixed additions and no doublings. Used for the KMS
// generator G and, per sender, Y = [HS]PVT + KPAK. Nothing here may see a secret.
#pragma once

#include <cstdint>
#include <vector>

#include "mcx/crypto/internal/bigint.h"

namespace mcx::crypto::p256 {

struct Fe {
  uint64_t v[4];
};
struct Affine {
  Fe x, y;
};
struct Jacobian {
  Fe X, Y, Z;
  bool infinity = true;
};

/// [m 2^(w j)]B for m = 1..2^(w-1) and every position j, affine.
class PointTable {
 public:
  /// B from its affine coordinates (on the curve, not the identity; not checked here); w from 2
  /// to 8: 44 positions of 32 points at w = 6 (90 kB), 33 of 128 at w = 8 (270 kB).
  PointTable(const BigInt& x, const BigInt& y, int window = 6);
  /// acc += [k]B for 0 <= k < 2^256 (variable time).
  void Accumulate(Jacobian& acc, const BigInt& k) const;
  size_t Bytes() const { return entries_.size() * sizeof(Affine); }

 private:
  int window_;
  std::vector<Affine> entries_;
};

/// Whether [u1]A + [u2]B is not the identity and has the affine x coordinate x (0 <= x < p),
/// compared in Jacobian form (no inversion).
bool MulAddXIs(const PointTable& a, const BigInt& u1, const PointTable& b, const BigInt& u2, const BigInt& x);

}  // namespace mcx::crypto::p256
