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
    case Error::kTruncated: return "truncated";
    case Error::kTrailingBytes: return "trailing_bytes";
    case Error::kUnknownPayload: return "unknown_payload";
    case Error::kUnsupportedValue: return "unsupported_value";
    case Error::kMissingPayload: return "missing_payload";
    case Error::kDuplicatePayload: return "duplicate_payload";
    case Error::kAuthenticationFailed: return "authentication_failed";
    case Error::kReplayDetected: return "replay_detected";
    case Error::kReplayTooOld: return "replay_too_old";
    case Error::kUnknownMki: return "unknown_mki";
    case Error::kUnknownKms: return "unknown_kms";
    case Error::kWrongReceiver: return "wrong_receiver";
    case Error::kKeyPeriodNotCurrent: return "key_period_not_current";
    case Error::kTimestampOutOfWindow: return "timestamp_out_of_window";
    case Error::kSenderNotAuthorised: return "sender_not_authorised";
    case Error::kKeyTypeMismatch: return "key_type_mismatch";
    case Error::kDuplicateKeyId: return "duplicate_key_id";
    case Error::kKeyParametersUndecryptable: return "key_parameters_undecryptable";
    case Error::kKeyRevoked: return "key_revoked";
    case Error::kKeyExpired: return "key_expired";
    case Error::kXmlMalformed: return "xml_malformed";
    case Error::kXmlMissingElement: return "xml_missing_element";
    case Error::kXmlBadValue: return "xml_bad_value";
    case Error::kKmsError: return "kms_error";
    case Error::kKeyNotFound: return "key_not_found";
    case Error::kGroupMismatch: return "group_mismatch";
    case Error::kKeySetRevoked: return "key_set_revoked";
    case Error::kMessageTooLarge: return "message_too_large";
    case Error::kTimeout: return "timeout";
  }
  return "unknown";
}

}  // namespace mcx::crypto
