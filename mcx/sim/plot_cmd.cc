// mcxsim plot: charts drawn by gnuplot (PNG or SVG), from a campaign directly or from CSV files.
//   campaign: a metric against a swept parameter, mean with its 95 % confidence interval, one
//             series per value of another parameter; or the CDF of a per-event column pooled
//             over the runs of each series.
//   CSV:      columns against a column, or the CDF of a column.
// Log axes with --logx/--logy. docs/sweeps.md "Plots".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "mcx/sim/cli_args.h"
#include "mcx/sim/plot/figure.h"
#include "mcx/sim/sweep/campaign.h"
#include "mcx/sim/sweep/sweep_stats.h"

namespace mcx::sim {

namespace {

using plot::Figure;
using plot::Point;
using plot::Series;

constexpr const char* kUsage =
    "usage: mcxsim plot CAMPAIGN --x PARAM --y METRIC[,METRIC] [--series PARAM] [--where PARAM=VALUE]... --out F.png|F.svg\n"
    "       mcxsim plot CAMPAIGN --cdf FILE.csv:COLUMN [--series PARAM] [--where PARAM=VALUE]... --out F\n"
    "       mcxsim plot --csv FILE[:label] [--csv ...] --x COL --y COL[,COL] --out F\n"
    "       mcxsim plot --csv FILE[:label] [--csv ...] --cdf COL --out F\n"
    "  options: --logx --logy --title T --xlabel X --ylabel Y --ymin V --ymax V\n"
    "\n"
    "From a campaign (mcxsim sweep): METRIC is a column of its runs.csv (rekey_latency_ms.p50); each\n"
    "point is the mean over the point's completed runs with its 95 % confidence interval (Student's t)\n"
    "as an error bar; several metrics draw a line each; --series draws one line per value of another\n"
    "swept parameter; --where keeps\n"
    "the points with that value. Every other parameter must be the same at the points drawn.\n"
    "--cdf pools a per-event column (floor_events.csv:access_ms) over the runs of each series.\n"
    "Drawn by gnuplot; F.dat and F.gp are kept beside F.\n";

struct Csv {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  size_t Column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw UsageError("column '" + name + "' not in " + path);
    return static_cast<size_t>(it - header.begin());
  }
};

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, sep);) out.push_back(f);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// A CSV line's fields (RFC 4180: a quoted field may hold commas and doubled quotes), as runs.csv
// writes them.
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

Csv ReadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Csv csv{path, {}, {}};
  std::string line;
  if (!std::getline(in, line) || line.empty()) throw std::runtime_error(path + ": empty (no header line)");
  csv.header = CsvFields(line);
  while (std::getline(in, line))
    if (!line.empty()) csv.rows.push_back(CsvFields(line));
  return csv;
}

std::optional<double> Number(const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A cell that must be a number: the error names the file, line and column.
double NumberAt(const Csv& csv, size_t row, size_t col) {
  const std::string& text = csv.rows[row][col];
  if (auto v = Number(text)) return *v;
  throw std::runtime_error(csv.path + " line " + std::to_string(row + 2) + ": " + csv.header[col] + " is not a number: '" +
                           text + "'");
}

// The values of a column (empty cells left out).
std::vector<double> ColumnValues(const Csv& csv, const std::string& column) {
  const size_t c = csv.Column(column);
  std::vector<double> v;
  for (size_t r = 0; r < csv.rows.size(); ++r)
    if (c < csv.rows[r].size() && !csv.rows[r][c].empty()) v.push_back(NumberAt(csv, r, c));
  return v;
}

Series Cdf(std::string label, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  Series s{std::move(label), {}};
  if (v.empty()) return s;
  s.points.push_back({v.front(), 0.0, {}, {}});
  for (size_t i = 0; i < v.size(); ++i) s.points.push_back({v[i], static_cast<double>(i + 1) / static_cast<double>(v.size()), {}, {}});
  return s;
}

// "members=10" < "members=100": by number when both are numbers.
bool ValueLess(const std::string& a, const std::string& b) {
  auto na = Number(a), nb = Number(b);
  if (na && nb) return *na < *nb;
  return a < b;
}

void FromCsv(const Args& a, Figure& f) {
  const auto cdf = a.Get("cdf");
  for (const auto& spec : a.All("csv")) {
    const auto colon = spec.find(':');
    const Csv csv = ReadCsv(spec.substr(0, colon));
    const std::string label = colon == std::string::npos ? csv.path : spec.substr(colon + 1);
    if (cdf) {
      f.series.push_back(Cdf(label, ColumnValues(csv, *cdf)));
      continue;
    }
    const std::vector<std::string> ys = Split(a.Require("y"), ',');
    const size_t xi = csv.Column(a.Require("x"));
    for (const auto& y : ys) {
      const size_t yi = csv.Column(y);
      Series s{ys.size() > 1 ? label + " " + y : label, {}};
      for (size_t r = 0; r < csv.rows.size(); ++r) {
        const auto& row = csv.rows[r];
        if (xi < row.size() && yi < row.size() && !row[xi].empty() && !row[yi].empty())
          s.points.push_back({NumberAt(csv, r, xi), NumberAt(csv, r, yi), {}, {}});
      }
      f.series.push_back(std::move(s));
    }
  }
  if (f.series.empty()) throw UsageError("need a campaign directory or at least one --csv");
  f.xlabel = a.Get("xlabel").value_or(cdf ? *cdf : a.Require("x"));
  const auto ys = a.Get("y");
  f.ylabel = a.Get("ylabel").value_or(cdf ? "fraction of events" : ys && ys->find(',') == std::string::npos ? *ys : "");
}

void FromCampaign(const Args& a, const std::string& dir, Figure& f) {
  auto c = sweep::Campaign::Open(dir, true);
  std::vector<std::string> names;
  for (const auto& [name, text] : c->Points().front().params) names.push_back(name);
  auto param = [&](const std::string& name, const char* option) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string all;
      for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
      throw UsageError(std::string(option) + " " + name + ": the campaign's parameters are " + all);
    }
    return name;
  };
  const auto cdf = a.Get("cdf");
  const std::string x = cdf ? "" : param(a.Require("x"), "--x");
  const std::optional<std::string> by = a.Get("series") ? std::optional(param(*a.Get("series"), "--series")) : std::nullopt;
  std::vector<std::pair<std::string, std::string>> where;
  for (const auto& w : a.All("where")) {
    const auto eq = w.find('=');
    if (eq == std::string::npos) throw UsageError("--where takes PARAM=VALUE, not '" + w + "'");
    where.emplace_back(param(w.substr(0, eq), "--where"), w.substr(eq + 1));
  }

  // The points drawn, and the parameters that may differ between them (x and the series).
  std::vector<size_t> kept;
  for (size_t i = 0; i < c->Points().size(); ++i) {
    const auto& params = c->Points()[i].params;
    auto value = [&](const std::string& n) {
      return std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == n; })->second;
    };
    if (std::all_of(where.begin(), where.end(), [&](const auto& w) { return value(w.first) == w.second; })) kept.push_back(i);
  }
  if (kept.empty()) throw UsageError("no point of the campaign matches the --where conditions");
  for (size_t k = 0; k < names.size(); ++k) {
    if (names[k] == x || (by && names[k] == *by)) continue;
    for (size_t i : kept)
      if (c->Points()[i].params[k].second != c->Points()[kept.front()].params[k].second)
        throw UsageError(names[k] + " differs between the points: draw it as --series " + names[k] + " or keep one with --where " +
                         names[k] + "=VALUE");
  }
  auto value_of = [&](size_t point, const std::string& n) {
    const auto& params = c->Points()[point].params;
    return std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == n; })->second;
  };
  auto series_label = [&](size_t point) { return by ? *by + "=" + value_of(point, *by) : std::string(); };
  std::map<std::string, std::vector<size_t>, bool (*)(const std::string&, const std::string&)> groups(ValueLess);
  for (size_t i : kept) groups[by ? value_of(i, *by) : ""].push_back(i);

  if (cdf) {
    const auto colon = cdf->find(':');
    if (colon == std::string::npos) throw UsageError("--cdf with a campaign takes FILE.csv:COLUMN (a file each run writes)");
    const std::string file = cdf->substr(0, colon), column = cdf->substr(colon + 1);
    for (const auto& [key, points] : groups) {
      std::vector<double> pooled;
      for (size_t p : points)
        for (const auto& run_dir : c->CompletedRunDirs(p)) {
          const auto v = ColumnValues(ReadCsv(run_dir + "/" + file), column);
          pooled.insert(pooled.end(), v.begin(), v.end());
        }
      if (pooled.empty()) continue;
      f.series.push_back(Cdf(by ? series_label(points.front()) : column, std::move(pooled)));
    }
    if (f.series.empty()) throw UsageError("no completed run has values in " + *cdf);
    f.xlabel = a.Get("xlabel").value_or(column);
    f.ylabel = a.Get("ylabel").value_or("fraction of events");
    return;
  }

  const std::vector<std::string> metrics = Split(a.Require("y"), ',');
  const auto values = c->CompletedValues();
  for (const std::string& metric : metrics)
    for (const auto& [key, points] : groups) {
      const std::string label = metrics.size() > 1 && by ? metric + ", " + series_label(points.front())
                                : by                     ? series_label(points.front())
                                                         : metric;
      Series s{label, {}};
      for (size_t p : points) {
        const auto it = values[p].find(metric);
        if (it == values[p].end()) continue;
        const auto xv = Number(value_of(p, x));
        if (!xv) throw UsageError("--x " + x + " is not a number at every point ('" + value_of(p, x) + "')");
        const sweep::Aggregate agg = sweep::Summarize(it->second);
        Point pt{*xv, agg.mean, {}, {}};
        if (agg.ci95_half) pt.y_low = agg.mean - *agg.ci95_half, pt.y_high = agg.mean + *agg.ci95_half;
        s.points.push_back(pt);
      }
      std::sort(s.points.begin(), s.points.end(), [](const Point& l, const Point& r) { return l.x < r.x; });
      if (s.points.empty())
        throw UsageError("no completed run has the metric '" + metric + "' (the columns of mcxsim sweep export's runs.csv)");
      f.series.push_back(std::move(s));
    }
  f.style = Figure::Style::kErrorBars;
  f.xlabel = a.Get("xlabel").value_or(x);
  f.ylabel = a.Get("ylabel").value_or((metrics.size() == 1 ? metrics[0] : std::string("mean")) + " (mean, 95 % CI)");
}

}  // namespace

int RunPlot(const std::vector<std::string>& argv) {
  Args a(argv, {"csv*", "x", "y", "cdf", "series", "where*", "out", "title", "xlabel", "ylabel", "ymin", "ymax"},
         {"logx", "logy"});
  if (a.Help() || argv.empty()) {
    std::printf("%s", kUsage);
    return argv.empty() ? 2 : 0;
  }
  a.AtMostPositionals(1);
  Figure f;
  f.title = a.Get("title").value_or("");
  f.logx = a.Flag("logx");
  f.logy = a.Flag("logy");
  f.ymin = a.Number("ymin");
  f.ymax = a.Number("ymax");
  if (a.Get("cdf")) {
    if (a.Get("x") || a.Get("y")) throw UsageError("--cdf draws one column: no --x or --y with it");
    f.style = Figure::Style::kSteps;
  }
  const std::string out = a.Require("out");
  if (!a.Positionals().empty()) {
    if (!a.All("csv").empty()) throw UsageError("a campaign or --csv files, not both");
    FromCampaign(a, a.Positionals()[0], f);
  } else {
    if (a.Get("series") || !a.All("where").empty()) throw UsageError("--series and --where go with a campaign directory");
    FromCsv(a, f);
  }
  plot::Render(f, out);
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace mcx::sim
