// MIKEY messages as JSON (for mcxsim mikey inspect).
#pragma once

#include <nlohmann/json.hpp>

#include "mcx/crypto/key_params.h"
#include "mcx/crypto/mikey.h"

namespace mcx::sim {

nlohmann::json MessageJson(const crypto::mikey::Message& m, size_t encoded_length);
nlohmann::json KeyParametersJson(const crypto::keyparams::KeyParameters& kp,
                                 crypto::keyparams::StatusConvention convention);

}  // namespace mcx::sim
