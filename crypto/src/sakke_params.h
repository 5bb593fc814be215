// Internal: SAKKE parameter set 1 (RFC 6509 Appendix A) and the pairing on its curve.
#pragma once

#include "ec.h"
#include "field.h"

namespace mcx::crypto::sakke {

struct ParameterSet {
  BigInt p;           ///< 1024-bit prime, p = 3 mod 4
  BigInt q;           ///< (p+1)/4, prime order of P
  PrimeField fp;      ///< F_p
  EcGroup curve;      ///< E: y^2 = x^3 - 3x over F_p, generator P, order q, cofactor 4
  FpElem g;           ///< <P,P> in PF_p representation
  int n_bits;         ///< SSV length in bits (128)

  /// The only parameter set TS 33.180 uses (IANA value 1).
  static const ParameterSet& Set1();

 private:
  ParameterSet();
};

/// RFC 6508 5.1 HashToIntegerRange(s, n) with SHA-256.
BigInt HashToIntegerRange(ByteView s, const BigInt& n);

/// RFC 6508 3.2: the Tate-Lichtenbaum pairing <R,Q> on E[q], with the distortion map
/// psi(x,y) = (-x, i y), returned in PF_p representation (Im/Re of the F_p^2 value).
/// Errors: kPointAtInfinity if R or Q is the identity or the pairing degenerates (a point
/// outside E[q]).
Result<FpElem> Pairing(const ParameterSet& ps, const EcPoint& r, const EcPoint& q);

/// g^k in PF_p: (1 + i g)^k in F_p^2, returned as Im/Re. k is secret (fixed operation sequence).
FpElem PfpPow(const ParameterSet& ps, const FpElem& g, const BigInt& k);

}  // namespace mcx::crypto::sakke
