// Internal: the fast paths of SAKKE parameter set 1 on fixed-width arithmetic (fp1024.h), one
// header per concept, all included here:
// - sakke_fp2.h: batched F_p products and inversions, F_p^2 and PF_p;
// - sakke_point.h: points of E (affine, Jacobian) and the arithmetic the tables are built with;
// - sakke_recoding.h: the NAF and the constant-time signed-window digits of scalars;
// - sakke_table_scan.h: constant-time table reads (AVX-512 or portable);
// - sakke_edwards.h: fixed-base scalar multiplication on an Edwards form of E;
// - sakke_gt_table.h: g^r on a fixed-base table in F_p^2;
// - sakke_pairing.h: the pairing, as a projective Miller loop or a table of line coefficients.
// This header adds EncapsulationValues, which joins two of them (RFC 6508 6.2.1 steps 2 and 3).
// The straightforward BIGNUM/OpenSSL path (tests/support/reference_pairing.h) stays as the
// reference the tests compare against.
#pragma once

#include "mcx/crypto/internal/sakke_edwards.h"
#include "mcx/crypto/internal/sakke_fp2.h"
#include "mcx/crypto/internal/sakke_gt_table.h"
#include "mcx/crypto/internal/sakke_pairing.h"
#include "mcx/crypto/internal/sakke_point.h"
#include "mcx/crypto/internal/sakke_recoding.h"
#include "mcx/crypto/internal/sakke_table_scan.h"

namespace mcx::crypto::sakke::fast {

/// RFC 6508 6.2.1 steps 2 and 3 on fixed-base tables, the two results sharing one inversion:
/// R = [k1]B1 + [k2]B2 (R = [k1]B1 when t2 is null), affine, and g^r in PF_p. Constant time in
/// the scalars. False if R is the identity.
bool EncapsulationValues(const FixedBaseTable& t1, const BigInt& k1, const FixedBaseTable* t2, const BigInt& k2,
                         const GPowTable& g, const BigInt& r, Affine& big_r, Fe& g_r);

}  // namespace mcx::crypto::sakke::fast
