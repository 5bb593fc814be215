#include "mcx/sim/sweep/sweep_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include <toml++/toml.h>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/hash.h"
#include "mcx/scenarios/registry/scenario.h"

namespace mcx::sim::sweep {

namespace {

// A range never expands past this many steps (a typo such as step = 0.0001 is an error, not a
// campaign of a million runs).
constexpr size_t kMaxSteps = 10000;
// Replications per point, and runs in a campaign: beyond these it is a typo, not a campaign.
constexpr int64_t kMaxRuns = 100000;
constexpr size_t kMaxPlannedRuns = 1000000;

struct Error {
  std::string text;
};

std::string Where(const toml::node& n) {
  const auto& b = n.source().begin;
  return b.line ? " (line " + std::to_string(b.line) + ")" : "";
}

// A number from the file, as written (the shortest text that reads back as the same double).
std::string Real(double v) {
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// A computed range step: 12 significant digits, so 0.1 + 2 * 0.1 reads 0.3.
std::string Stepped(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

// One TOML value as the command line takes it; booleans are flags.
std::string Text(const toml::node& n, const std::string& key, bool* is_flag) {
  if (auto i = n.value_exact<int64_t>()) return std::to_string(*i);
  if (auto d = n.value_exact<double>()) return Real(*d);
  if (auto s = n.value_exact<std::string>()) {
    for (char c : *s)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        throw Error{key + Where(n) + ": a text with a control character (a line break would split the emitted command lines)"};
    return *s;
  }
  if (auto b = n.value_exact<bool>()) {
    *is_flag = true;
    return *b ? "true" : "false";
  }
  throw Error{key + Where(n) + ": a value is a number, a text or true/false, not a " +
              (n.is_array() ? "list" : n.is_table() ? "table" : "date or time")};
}

double Number(const toml::table& t, const std::string& field, const std::string& key) {
  const toml::node* n = t.get(field);
  if (!n) throw Error{key + Where(t) + ": a range needs '" + field + "'"};
  if (auto v = n->value<double>(); v && std::isfinite(*v)) return *v;
  throw Error{key + Where(*n) + ": the range's '" + field + "' is a number"};
}

// { from, to, step } (linear, both ends included) or { from, to, times } (geometric).
std::vector<std::string> Range(const toml::table& t, const std::string& key) {
  for (auto&& [k, v] : t)
    if (k != "from" && k != "to" && k != "step" && k != "times")
      throw Error{key + Where(v) + ": a range has from, to and step (or times), not '" + std::string(k.str()) + "'"};
  const double from = Number(t, "from", key), to = Number(t, "to", key);
  const bool linear = t.contains("step");
  if (linear == t.contains("times")) throw Error{key + Where(t) + ": a range has either 'step' or 'times'"};
  const double by = Number(t, linear ? "step" : "times", key);
  if (linear ? !(by > 0) : !(by > 1)) throw Error{key + Where(t) + (linear ? ": step is above 0" : ": times is above 1")};
  if (to < from) throw Error{key + Where(t) + ": 'to' is below 'from'"};
  if (!linear && !(from > 0)) throw Error{key + Where(t) + ": a geometric range starts above 0"};
  // Both integers: integer steps, written as integers.
  const bool whole = t.get("from")->is_integer() && t.get("to")->is_integer() && t.get(linear ? "step" : "times")->is_integer();
  // The number of steps, counted (a running sum would drift, and lose a negative end).
  const double span = linear ? (to - from) / by : std::log(to / from) / std::log(by);
  const double steps = std::floor(span + 1e-9) + 1;
  if (steps > kMaxSteps) throw Error{key + Where(t) + ": the range has more than " + std::to_string(kMaxSteps) + " steps"};
  std::vector<std::string> out;
  for (size_t i = 0; i < static_cast<size_t>(steps); ++i) {
    const double v = linear ? from + static_cast<double>(i) * by : from * std::pow(by, static_cast<double>(i));
    out.push_back(whole ? std::to_string(static_cast<int64_t>(std::llround(v))) : Stepped(v));
  }
  return out;
}

// A grid entry: a list, a range, or one value (then it is fixed).
std::vector<std::string> Values(const toml::node& n, const std::string& key, bool* is_flag) {
  if (const toml::array* a = n.as_array()) {
    if (a->empty()) throw Error{key + Where(n) + ": an empty list (a parameter on the grid takes at least one value)"};
    std::vector<std::string> out;
    size_t flags = 0;
    for (const toml::node& e : *a) {
      bool flag = false;
      out.push_back(Text(e, key, &flag));
      flags += flag;
    }
    if (flags != 0 && flags != out.size()) throw Error{key + Where(n) + ": a list mixes true/false with other values"};
    *is_flag = flags != 0;
    return out;
  }
  if (const toml::table* t = n.as_table()) return Range(*t, key);
  return {Text(n, key, is_flag)};
}

void CheckName(const std::string& name, const std::string& where, std::set<std::string>& seen) {
  if (name == "seed" || name == "run")
    throw Error{where + ": --" + name + " is set by the sweep (top-level 'seed', and 'runs' replications)"};
  if (name == "out") throw Error{where + ": --out is set by the sweep (runs/<id> in the campaign directory)"};
  if (name.empty() || name.find_first_of(" =") != std::string::npos) throw Error{where + ": '" + name + "' is not a parameter name"};
  if (!seen.insert(name).second) throw Error{where + ": parameter '" + name + "' is given twice"};
}

uint32_t Whole(const toml::node& n, const std::string& key, int64_t min, int64_t max) {
  auto v = n.value_exact<int64_t>();
  if (!v || *v < min || *v > max)
    throw Error{key + Where(n) + ": a whole number from " + std::to_string(min) + " to " + std::to_string(max)};
  return static_cast<uint32_t>(*v);
}

SweepSpec Parse(const toml::table& root) {
  SweepSpec spec;
  std::set<std::string> seen, flags;
  auto take = [&](const std::string& name, const std::string& where, bool is_flag) {
    CheckName(name, where, seen);
    if (is_flag) flags.insert(name);
  };
  for (auto&& [k, v] : root) {
    const std::string key(k.str());
    if (key == "scenario") {
      auto s = v.value_exact<std::string>();
      if (!s || s->empty()) throw Error{"scenario" + Where(v) + ": a scenario name (mcxsim list)"};
      spec.scenario = *s;
    } else if (key == "runs") {
      spec.runs = Whole(v, key, 1, kMaxRuns);
    } else if (key == "seed") {
      spec.seed = Whole(v, key, 1, UINT32_MAX);
    } else if (key == "directory") {
      auto s = v.value_exact<std::string>();
      if (!s || s->empty()) throw Error{"directory" + Where(v) + ": a path"};
      spec.directory = *s;
    } else if (key == "fixed") {
      const toml::table* t = v.as_table();
      if (!t) throw Error{"fixed" + Where(v) + ": a table of parameter = value"};
      for (auto&& [pk, pv] : *t) {
        const std::string name(pk.str()), where = "fixed." + name;
        bool is_flag = false;
        const std::string text = Text(pv, where, &is_flag);
        take(name, where, is_flag);
        spec.fixed.emplace_back(name, text);
      }
    } else if (key == "grid") {
      const toml::table* t = v.as_table();
      if (!t) throw Error{"grid" + Where(v) + ": a table of parameter = list or range"};
      for (auto&& [pk, pv] : *t) {
        const std::string name(pk.str()), where = "grid." + name;
        bool is_flag = false;
        auto values = Values(pv, where, &is_flag);
        take(name, where, is_flag);
        if (values.size() == 1) {
          spec.fixed.emplace_back(name, values[0]);
          continue;
        }
        SweepAxis axis{{name}, {}};
        for (auto& x : values) axis.values.push_back({x});
        spec.axes.push_back(std::move(axis));
      }
    } else if (key == "together") {
      const toml::array* a = v.as_array();
      if (!a || !a->is_array_of_tables())
        throw Error{"together" + Where(v) + ": [[together]] tables, each of parameters whose lists have one length"};
      for (const toml::node& tn : *a) {
        const toml::table& t = *tn.as_table();
        SweepAxis axis;
        std::vector<std::vector<std::string>> columns;
        for (auto&& [pk, pv] : t) {
          const std::string name(pk.str()), where = "together." + name;
          bool is_flag = false;
          columns.push_back(Values(pv, where, &is_flag));
          take(name, where, is_flag);
          if (columns.size() > 1 && columns.back().size() != columns.front().size())
            throw Error{where + Where(pv) + ": " + std::to_string(columns.back().size()) + " values, but " +
                        axis.params.front() + " has " + std::to_string(columns.front().size()) +
                        " (parameters that vary together have as many values)"};
          axis.params.push_back(name);
        }
        if (axis.params.empty()) throw Error{"together" + Where(tn) + ": an empty table"};
        for (size_t i = 0; i < columns.front().size(); ++i) {
          std::vector<std::string> step;
          for (const auto& c : columns) step.push_back(c[i]);
          axis.values.push_back(std::move(step));
        }
        spec.axes.push_back(std::move(axis));
      }
    } else {
      throw Error{"'" + key + "'" + Where(v) +
                  " is not a sweep key (scenario, runs, seed, directory, [fixed], [grid], [[together]])"};
    }
  }
  if (spec.scenario.empty()) throw Error{"no 'scenario' (mcxsim list names them)"};
  spec.flags.assign(flags.begin(), flags.end());
  return spec;
}

bool IsFlag(const SweepSpec& spec, const std::string& name) {
  return std::binary_search(spec.flags.begin(), spec.flags.end(), name);
}

}  // namespace

std::variant<SweepSpec, std::string> ParseSweep(const std::string& toml_text, const std::string& source_name) {
  try {
    return Parse(toml::parse(toml_text, source_name));
  } catch (const toml::parse_error& e) {
    return source_name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
  } catch (const Error& e) {
    return source_name + ": " + e.text;
  }
}

std::optional<std::string> CheckSweep(const SweepSpec& spec) {
  using scenarios::ParamSpec;
  const scenarios::Scenario* s = scenarios::FindScenario(spec.scenario);
  if (!s) return "no scenario '" + spec.scenario + "' (mcxsim list)";
  std::map<std::string, const ParamSpec*> specs;
  for (const ParamSpec& p : s->Params()) specs[p.name] = &p;
  auto check = [&](const std::string& name, const std::string& text) -> std::optional<std::string> {
    auto it = specs.find(name);
    if (it == specs.end()) return spec.scenario + " has no parameter '" + name + "' (mcxsim describe " + spec.scenario + ")";
    const ParamSpec& p = *it->second;
    const bool flag = p.type == ParamSpec::Type::kFlag;
    if (flag != IsFlag(spec, name))
      return "--" + name + (flag ? " is a flag: give it as true or false" : " takes a value, not true/false");
    if (flag) return std::nullopt;
    auto parsed = p.Parse(text);
    if (auto* why = std::get_if<std::string>(&parsed)) return *why;
    return std::nullopt;
  };
  for (const auto& [name, text] : spec.fixed)
    if (auto why = check(name, text)) return why;
  for (const SweepAxis& axis : spec.axes)
    for (const auto& step : axis.values)
      for (size_t i = 0; i < axis.params.size(); ++i)
        if (auto why = check(axis.params[i], step[i])) return why;
  size_t planned = spec.runs;
  for (const SweepAxis& axis : spec.axes) {
    planned *= axis.values.size();
    if (planned > kMaxPlannedRuns)
      return "the grid times the runs makes more than " + std::to_string(kMaxPlannedRuns) + " runs";
  }
  // One value twice on an axis (3 and 3.0, or a repeated [[together]] row) would be one run twice.
  const auto points = ExpandPoints(spec);
  std::set<std::string> ids;
  for (const PlannedRun& r : PlanRuns(spec, points))
    if (!ids.insert(r.id).second) {
      std::string at;
      for (const auto& [name, text] : points[r.point].params) at += (at.empty() ? "" : ", ") + name + "=" + text;
      return "the point " + at + " comes twice (a value given twice on the grid)";
    }
  // Combinations the declaration cannot say (the scenario's own check), at every point.
  for (const SweepPoint& point : points) {
    scenarios::ParamValues given;
    for (const auto& [name, text] : point.params) {
      const ParamSpec& p = *specs.at(name);
      if (p.type == ParamSpec::Type::kFlag) {
        if (text == "true") given[name] = true;
        continue;
      }
      given[name] = std::get<scenarios::ParamValue>(p.Parse(text));
    }
    if (auto why = s->Check(given)) {
      std::string at;
      for (const auto& [name, text] : point.params) at += (at.empty() ? "" : ", ") + name + "=" + text;
      return "at the point " + at + ": " + *why;
    }
  }
  return std::nullopt;
}

std::vector<SweepPoint> ExpandPoints(const SweepSpec& spec) {
  std::vector<SweepPoint> points{SweepPoint{spec.fixed}};
  for (const SweepAxis& axis : spec.axes) {
    std::vector<SweepPoint> next;
    next.reserve(points.size() * axis.values.size());
    for (const SweepPoint& p : points)
      for (const auto& step : axis.values) {
        SweepPoint q = p;
        for (size_t i = 0; i < axis.params.size(); ++i) q.params.emplace_back(axis.params[i], step[i]);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  return points;
}

std::vector<PlannedRun> PlanRuns(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  std::vector<PlannedRun> runs;
  for (size_t pi = 0; pi < points.size(); ++pi) {
    std::vector<ParamText> sorted = points[pi].params;
    std::sort(sorted.begin(), sorted.end());
    std::string identity = "mcxsim sweep run\n" + spec.scenario + "\n";
    for (const auto& [name, text] : sorted) identity += name + "=" + text + "\n";
    for (uint32_t r = 1; r <= spec.runs && r != 0; ++r) {
      PlannedRun pr;
      pr.point = pi;
      pr.run = r;
      const std::string id_text = identity + "seed=" + std::to_string(spec.seed) + "\nrun=" + std::to_string(r) + "\n";
      const crypto::Bytes digest = crypto::Sha256(id_text);
      pr.id = crypto::ToHex(crypto::ByteView(digest.data(), 8));
      for (const auto& [name, text] : points[pi].params) {
        if (IsFlag(spec, name)) {
          if (text == "true") pr.args.push_back("--" + name);
          continue;
        }
        pr.args.push_back("--" + name);
        pr.args.push_back(text);
      }
      pr.args.insert(pr.args.end(), {"--seed", std::to_string(spec.seed), "--run", std::to_string(r)});
      runs.push_back(std::move(pr));
    }
  }
  return runs;
}

}  // namespace mcx::sim::sweep
