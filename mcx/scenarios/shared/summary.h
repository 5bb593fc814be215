// How scenarios write their numbers into summary.json and their CSVs: percentiles by nearest rank,
// values rounded so that a file does not change with the last bits of a double.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcx::scenarios {

/// {"count", "p50", "p95", "max"} of `v` times `scale` (nearest rank; nulls when empty), each
/// rounded to 3 decimals.
nlohmann::json Percentiles(std::vector<double> v, double scale);
/// x rounded to 3 decimals (microseconds of a value in milliseconds).
double Round3(double x);
/// x rounded to 4 decimals (ratios).
double Round4(double x);
/// A number for a terminal line: "-" for null, else with one decimal.
std::string Ms(const nlohmann::json& v);

}  // namespace mcx::scenarios
