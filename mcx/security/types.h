// The vocabulary the security protocols take from the crypto primitives: byte strings, errors and
// results, randomness, and the primitives' namespaces.
#pragma once

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"
#include "mcx/crypto/rng.h"

namespace mcx::crypto::eccsi {}
namespace mcx::crypto::sakke {}
namespace mcx::crypto::kdf {}
namespace mcx::crypto::aead {}

namespace mcx::security {

using crypto::Bytes;
using crypto::ByteView;
using crypto::Error;
using crypto::ErrorName;
using crypto::Result;
using crypto::Rng;
using crypto::SecretBytes;
using crypto::Status;
namespace eccsi = crypto::eccsi;
namespace sakke = crypto::sakke;
namespace kdf = crypto::kdf;
namespace aead = crypto::aead;

}  // namespace mcx::security
