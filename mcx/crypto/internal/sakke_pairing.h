// Internal (SAKKE fast paths): the Tate-Lichtenbaum pairing of RFC 6508 3.2, <R, Q> in PF_p, as
// a projective Miller loop; and for a fixed first argument (an RSK, P, or a KMS public key Z) a
// precomputed table of the loop's line coefficients, so that each decapsulation (6.2.2 step 1) or
// RSK check (6.1.2) only evaluates them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mcx/crypto/internal/sakke_point.h"

namespace mcx::crypto::sakke::fast {

/// <R, Q> in PF_p representation (Im/Re), projective Miller loop. False if degenerate.
bool Pairing(const Affine& r, const Affine& q, const BigInt& q_minus_1, Fe& out);

/// The line coefficients of the Miller loop for a fixed first argument R (an RSK):
/// each line at psi(Q) is A Qx + B + i Qy. Evaluating is then ~6 multiplications per bit.
class LineTable {
 public:
  LineTable(const Affine& r, const BigInt& q_minus_1);
  /// The lines of an RSK are as secret as the RSK (they give <RSK, Q> for any Q): wiped here.
  ~LineTable();
  LineTable(const LineTable&) = default;
  LineTable& operator=(const LineTable&) = default;
  /// <R, Q> in PF_p representation. False if degenerate.
  bool Evaluate(const Affine& q, Fe& out) const;
  size_t Bytes() const { return coeffs_.size() * sizeof(Fe); }

 private:
  std::vector<Fe> coeffs_;  ///< A, B per step, doubling steps and addition steps in loop order
  std::vector<uint8_t> add_after_;  ///< per doubling step: is it followed by an addition step
  bool valid_ = true;
};

}  // namespace mcx::crypto::sakke::fast
