#include "mcx/scenarios/shared/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mcx::scenarios {

double Round3(double x) { return std::round(x * 1000.0) / 1000.0; }
double Round4(double x) { return std::round(x * 1e4) / 1e4; }

nlohmann::json Percentiles(std::vector<double> v, double scale) {
  nlohmann::json j = {{"count", v.size()}};
  if (v.empty()) {
    j["p50"] = nullptr;
    j["p95"] = nullptr;
    j["max"] = nullptr;
    return j;
  }
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {  // nearest rank
    size_t i = static_cast<size_t>(std::ceil(q * v.size())) - 1;
    return v[std::min(i, v.size() - 1)] * scale;
  };
  j["p50"] = Round3(at(0.50));
  j["p95"] = Round3(at(0.95));
  j["max"] = Round3(v.back() * scale);
  return j;
}

std::string Ms(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v.get<double>());
  return b;
}

}  // namespace mcx::scenarios
