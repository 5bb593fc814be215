// The reference pairing for tests: RFC 6508 3.2 on BIGNUM, and g^k in PF_p, straight from the
// RFC. The library runs the fast versions (mcx/crypto/internal/sakke_fast.h).
#pragma once

#include "mcx/crypto/internal/sakke_params.h"

namespace mcx::crypto::sakke {

/// RFC 6508 3.2: the Tate-Lichtenbaum pairing <R,Q> on E[q], with the distortion map
/// psi(x,y) = (-x, i y), returned in PF_p representation (Im/Re of the F_p^2 value).
/// Errors: kPointAtInfinity if R or Q is the identity or the pairing degenerates (a point
/// outside E[q]).
Result<FpElem> Pairing(const ParameterSet& ps, const EcPoint& r, const EcPoint& q);

/// g^k in PF_p: (1 + i g)^k in F_p^2, returned as Im/Re. k is secret (fixed operation sequence).
FpElem PfpPow(const ParameterSet& ps, const FpElem& g, const BigInt& k);

}  // namespace mcx::crypto::sakke
