// A scenario as the command line sees it: its name and what it is for, its parameters and
// metrics declared once, the files a run writes, and one way to run it. `mcxsim run`, `list`,
// `describe` and the params of summary.json come from here; sim/ has no per-scenario code.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcx/scenarios/registry/flows.h"
#include "mcx/scenarios/registry/params.h"
#include "mcx/scenarios/registry/run_seeds.h"

namespace mcx::scenarios {

/// One metric of summary.json: its name (a key under "metrics"), unit and meaning.
struct MetricSpec {
  std::string name;
  std::string unit;
  std::string meaning;
};

/// A per-event table a run writes (a CSV file in the run's folder).
struct Table {
  std::string file;  ///< e.g. "rekey_events.csv"
  std::string csv;   ///< header and rows
};

struct RunOutput {
  nlohmann::json metrics;  ///< summary.json's "metrics": one key per declared metric
  std::vector<Table> tables;
  double simulated_s = 0;
  std::string report;  ///< a few lines for the terminal (not written with --quiet)
  /// Why nothing the scenario studies could happen in this run (e.g. no two members hold the
  /// group's key, so no member can open anything), or empty. `mcxsim run` writes the results,
  /// says so on stderr and exits 3, unless --allow-empty says that was the point of the run.
  std::string nothing_happened;
};

/// Parameters a scenario cannot run with (checked before anything runs): a usage error.
struct ParamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The values given on the command line, by parameter name (the others keep their defaults).
using ParamValues = std::map<std::string, ParamValue>;

class Scenario {
 public:
  virtual ~Scenario() = default;
  virtual const std::string& Name() const = 0;
  /// One line for `mcxsim list`.
  virtual const std::string& Summary() const = 0;
  /// What runs and what comes out, for `mcxsim describe` and `--help`.
  virtual const std::string& Description() const = 0;
  virtual const std::vector<ParamSpec>& Params() const = 0;
  virtual const std::vector<MetricSpec>& Metrics() const = 0;
  /// The files a run writes besides summary.json and run_info.json.
  virtual const std::vector<std::string>& Files() const = 0;
  /// Options for a quick run (seconds): shown by `describe`, used by the tests and the docs.
  virtual const std::vector<std::string>& QuickArgs() const = 0;
  /// The message sequences the scenario's procedures must produce (checked with --flows).
  virtual const std::vector<FlowSpec>& ExpectedFlows() const = 0;
  /// Every parameter's value for a run with `given` (defaults for the rest), in declaration order.
  virtual std::vector<std::pair<std::string, ParamValue>> Resolve(const ParamValues& given) const = 0;
  /// Why the scenario cannot run with these values (a combination its declaration cannot say),
  /// or nothing.
  virtual std::optional<std::string> Check(const ParamValues& given) const = 0;
  /// Throws ParamError for values the scenario cannot run with; the run's failures throw
  /// std::runtime_error.
  virtual RunOutput Run(const ParamValues& given) const = 0;
};

/// A scenario over its parameter struct P: the declaration, an optional check of combinations of
/// parameters, and the run. P holds `RunSeeds seeds`: every scenario takes --seed and --run.
template <class P>
class ScenarioOf : public Scenario {
 public:
  struct Definition {
    std::string name, summary, description;
    ParamList<P> params;
    std::vector<MetricSpec> metrics;
    std::vector<std::string> files;
    /// Why these parameters cannot run together, or nothing.
    std::function<std::optional<std::string>(const P&)> check;
    std::function<RunOutput(const P&)> run;
    /// Options for a quick run of a few seconds ("--members", "3", ...).
    std::vector<std::string> quick;
    /// The message sequences its procedures must produce (mcxsim run --flows checks them).
    std::vector<FlowSpec> flows;
  };
  explicit ScenarioOf(Definition d) : def_(std::move(d)) { def_.params.Include(&P::seeds, RunSeedParamList()); }

  const std::string& Name() const override { return def_.name; }
  const std::string& Summary() const override { return def_.summary; }
  const std::string& Description() const override { return def_.description; }
  const std::vector<ParamSpec>& Params() const override { return def_.params.specs(); }
  const std::vector<MetricSpec>& Metrics() const override { return def_.metrics; }
  const std::vector<std::string>& Files() const override { return def_.files; }
  const std::vector<std::string>& QuickArgs() const override { return def_.quick; }
  const std::vector<FlowSpec>& ExpectedFlows() const override { return def_.flows; }

  std::vector<std::pair<std::string, ParamValue>> Resolve(const ParamValues& given) const override {
    const P p = Build(given);
    std::vector<std::pair<std::string, ParamValue>> out;
    for (const ParamSpec& s : Params()) out.emplace_back(s.name, s.get(&p));
    return out;
  }
  std::optional<std::string> Check(const ParamValues& given) const override {
    return def_.check ? def_.check(Build(given)) : std::nullopt;
  }
  RunOutput Run(const ParamValues& given) const override {
    if (auto why = Check(given)) throw ParamError(*why);
    return def_.run(Build(given));
  }

 private:
  P Build(const ParamValues& given) const {
    P p;
    for (const ParamSpec& s : Params()) {
      auto it = given.find(s.name);
      if (it != given.end()) s.set(&p, it->second);
    }
    return p;
  }
  Definition def_;
};

/// Every scenario, in the order `mcxsim list` shows them (registry.cc: one line each).
const std::vector<const Scenario*>& Registry();
/// The scenario of that name, or null.
const Scenario* FindScenario(const std::string& name);

}  // namespace mcx::scenarios
