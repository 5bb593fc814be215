#include "tests/support/testdata.h"

#include <fstream>
#include <stdexcept>

namespace mcx::test {

nlohmann::json LoadJson(const std::string& file) {
  const std::string path = std::string(MCX_TEST_DATA_DIR) + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open test data " + path);
  return nlohmann::json::parse(in);
}

crypto::Bytes Hex(const std::string& hex) {
  auto b = crypto::FromHex(hex);
  if (!b) throw std::invalid_argument("bad hex in test data: " + hex.substr(0, 40));
  return *b;
}

crypto::Bytes HexField(const nlohmann::json& j, const char* key) {
  return Hex(j.at(key).get<std::string>());
}

}  // namespace mcx::test
