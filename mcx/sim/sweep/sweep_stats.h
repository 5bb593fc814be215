// Statistics of a campaign's replications: mean, standard deviation and the 95 % confidence
// interval of the mean from Student's t (GSL's quantile), and the flattening of summary.json's
// metrics into dotted columns (rekey_latency_ms.p95) for the CSV exports.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcx::sim::sweep {

struct Aggregate {
  size_t n = 0;
  double mean = 0;
  std::optional<double> sd;           ///< the sample standard deviation (n - 1); none for n = 1
  std::optional<double> ci95_half;    ///< t(0.975, n - 1) * sd / sqrt(n); none for n = 1
};

Aggregate Summarize(const std::vector<double>& values);

/// A metric leaf as a CSV cell: numbers as they are, booleans 1/0, texts as text, null empty.
/// Lists are left out (their elements are no column of a run).
struct Cell {
  std::string text;
  std::optional<double> number;  ///< what aggregation averages
};

/// summary.json's "metrics" as columns: nested objects become dotted names.
std::map<std::string, Cell> FlattenMetrics(const nlohmann::json& metrics);

/// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& s);

/// A number as the CSV writes it (shortest text that reads back as the same double).
std::string CsvNumber(double v);

}  // namespace mcx::sim::sweep
