// Internal: SAKKE parameter set 1 (RFC 6509 Appendix A) and HashToIntegerRange (RFC 6508 5.1).
#pragma once

#include "mcx/crypto/internal/ec_group.h"
#include "mcx/crypto/internal/prime_field.h"

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

}  // namespace mcx::crypto::sakke
