#include "mcx/crypto/error.h"

namespace mcx::crypto {

const char* ErrorName(Error e) {
  switch (e) {
    case Error::kBadLength: return "bad_length";
    case Error::kBadPointEncoding: return "bad_point_encoding";
    case Error::kPointNotOnCurve: return "point_not_on_curve";
    case Error::kPointAtInfinity: return "point_at_infinity";
    case Error::kFieldElementTooLarge: return "field_element_too_large";
    case Error::kScalarOutOfRange: return "scalar_out_of_range";
    case Error::kInvalidRsk: return "invalid_rsk";
    case Error::kInvalidSsk: return "invalid_ssk";
    case Error::kSakkeIntegrityFailed: return "sakke_integrity_failed";
    case Error::kSignatureInvalid: return "signature_invalid";
    case Error::kKeyPeriodInvalid: return "key_period_invalid";
    case Error::kRandomFailure: return "random_failure";
    case Error::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace mcx::crypto
