// Internal (SAKKE fast paths): points of E: y^2 = x^3 - 3x over F_p (RFC 6508 2.1) in affine
// and Jacobian coordinates (x = X/Z^2, y = Y/Z^3): conversion from the OpenSSL group, the
// uncompressed encoding, and the Jacobian doubling and mixed addition (a = -3) the fixed-base
// tables are built with. The scalar loops themselves run on the Edwards form (sakke_edwards.h).
#pragma once

#include <vector>

#include "mcx/crypto/internal/ec_group.h"
#include "mcx/crypto/internal/sakke_fp2.h"

namespace mcx::crypto::sakke::fast {

struct Affine {
  Fe x, y;
};
struct Jacobian {
  Fe X, Y, Z;
};

Affine FromEcPoint(const EcGroup& g, const EcPoint& p);
/// 0x04 || x || y.
Bytes Encode(const Affine& a);
Affine ToAffine(const Jacobian& p);

/// Point doubling, a = -3 (dbl-2001-b): 3M + 5S. r may alias p.
void Dbl(Jacobian& r, const Jacobian& p);

/// Mixed addition r = p + q (q affine, p != +-q, p not at infinity; madd-2007-bl, 7M + 4S), the
/// products in batches. r may alias p. For building tables; the scalar loops add on the Edwards
/// form.
void AddMixed(Jacobian& r, const Jacobian& p, const Affine& q);

/// All points to affine with one inversion (none may be at infinity).
std::vector<Affine> ToAffineBatch(const std::vector<Jacobian>& ps);

}  // namespace mcx::crypto::sakke::fast
