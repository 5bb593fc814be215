#include "mcx/sim/sweep/sweep_stats.h"

#include <charconv>
#include <cmath>

#include <gsl/gsl_cdf.h>

namespace mcx::sim::sweep {

Aggregate Summarize(const std::vector<double>& values) {
  Aggregate a;
  a.n = values.size();
  if (a.n == 0) return a;
  double sum = 0;
  for (double v : values) sum += v;
  a.mean = sum / static_cast<double>(a.n);
  if (a.n < 2) return a;
  double squares = 0;
  for (double v : values) squares += (v - a.mean) * (v - a.mean);
  a.sd = std::sqrt(squares / static_cast<double>(a.n - 1));
  a.ci95_half = gsl_cdf_tdist_Pinv(0.975, static_cast<double>(a.n - 1)) * *a.sd / std::sqrt(static_cast<double>(a.n));
  return a;
}

namespace {

void Flatten(const nlohmann::json& j, const std::string& name, std::map<std::string, Cell>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) Flatten(v, name.empty() ? k : name + "." + k, out);
  } else if (j.is_number()) {
    const double v = j.get<double>();
    out[name] = Cell{CsvNumber(v), v};
  } else if (j.is_boolean()) {
    out[name] = Cell{j.get<bool>() ? "1" : "0", j.get<bool>() ? 1.0 : 0.0};
  } else if (j.is_string()) {
    out[name] = Cell{j.get<std::string>(), std::nullopt};
  } else if (j.is_null()) {
    out[name] = Cell{};
  }
}

}  // namespace

std::map<std::string, Cell> FlattenMetrics(const nlohmann::json& metrics) {
  std::map<std::string, Cell> out;
  Flatten(metrics, "", out);
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string CsvNumber(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "";
}

}  // namespace mcx::sim::sweep
