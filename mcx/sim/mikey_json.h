// MIKEY messages as JSON (for mcxsim mikey inspect).
#pragma once

#include <nlohmann/json.hpp>

#include "mcx/security/key_params.h"
#include "mcx/security/mikey.h"

namespace mcx::sim {

nlohmann::json MessageJson(const security::mikey::Message& m, size_t encoded_length);
nlohmann::json KeyParametersJson(const security::keyparams::KeyParameters& kp,
                                 security::keyparams::StatusConvention convention);

}  // namespace mcx::sim
