// Base64 (RFC 4648, standard alphabet, padded), as used for I_MESSAGEs in SDP a=key-mgmt.
#pragma once

#include <string>
#include <string_view>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::crypto {

std::string Base64Encode(ByteView data);
/// Ignores ASCII white space. Errors: kUnsupportedValue (a character outside the alphabet,
/// misplaced padding), kTruncated (length not a multiple of 4 after white space is removed).
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace mcx::crypto
