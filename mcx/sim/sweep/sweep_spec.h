// A sweep file (TOML): a scenario, the parameters it keeps fixed, a grid of the ones it varies
// (lists, linear and geometric ranges, and groups of parameters that vary together) and the
// replications per point, the ns-3 way: one --seed, --run 1..R. Parsed and checked against the
// scenario's declared parameters before anything runs; expanded into runs with stable ids, so a
// campaign directory can be resumed and collected on any machine (docs/sweeps.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mcx::scenarios {
class Scenario;
}

namespace mcx::sim::sweep {

/// One dimension of the grid: one parameter, or several that vary together (values[i] gives the
/// i-th step's value of each of `params`, as on the command line).
struct SweepAxis {
  std::vector<std::string> params;
  std::vector<std::vector<std::string>> values;
};

/// A parameter's value as the command line takes it; a flag is "true" or "false".
using ParamText = std::pair<std::string, std::string>;

struct SweepSpec {
  std::string scenario;
  std::vector<ParamText> fixed;  ///< [fixed]: the same at every point
  /// [grid] keys, then each [[together]] table in file order; a TOML table has no order, so
  /// the parameters within [fixed], [grid] and each [[together]] come alphabetically.
  std::vector<SweepAxis> axes;
  uint32_t runs = 1;             ///< replications per point: --run 1..runs
  uint32_t seed = 1;             ///< --seed, the same for every run
  std::optional<std::string> directory;  ///< the campaign directory (relative: to the current one)
  std::vector<std::string> flags;        ///< the parameters given as true/false (flags)
};

/// One point of the grid: the value of every fixed and swept parameter.
struct SweepPoint {
  std::vector<ParamText> params;
};

/// One run of the campaign: a point and a replication, with the id naming its folder
/// (runs/<id>) and its row in the database: a hash of the scenario, the parameters, the seed
/// and the run number, so it does not change when the grid around it grows.
struct PlannedRun {
  size_t point = 0;
  uint32_t run = 1;
  std::string id;
  /// The arguments of `mcxsim run` after the scenario name, without --out.
  std::vector<std::string> args;
};

/// Parses a sweep file; the error names the file, the key and what is wrong.
std::variant<SweepSpec, std::string> ParseSweep(const std::string& toml_text, const std::string& source_name);

/// Why the scenario cannot run this sweep (an unknown scenario or parameter, a value its
/// declaration rejects), or nothing. Every value of every point is parsed by the parameter's
/// own declaration, so a bad value fails here and not in the middle of a campaign.
std::optional<std::string> CheckSweep(const SweepSpec& spec);

/// The grid's points: the product of the axes, the first axis varying slowest.
std::vector<SweepPoint> ExpandPoints(const SweepSpec& spec);

/// Every run of the campaign, point by point, run 1..R within each.
std::vector<PlannedRun> PlanRuns(const SweepSpec& spec, const std::vector<SweepPoint>& points);

}  // namespace mcx::sim::sweep
