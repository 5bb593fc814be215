// Test vector loading: JSON files in tests/data, hex fields decoded to bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mcx/crypto/bytes.h"

namespace mcx::test {

/// Parses tests/data/<file>; throws if missing or malformed (the test then fails).
nlohmann::json LoadJson(const std::string& file);
/// Decodes hex; throws std::invalid_argument on bad hex.
crypto::Bytes Hex(const std::string& hex);
/// j[key] as bytes.
crypto::Bytes HexField(const nlohmann::json& j, const char* key);

}  // namespace mcx::test
