// mcxsim plot: line charts from result CSVs as standalone SVG, so results and validation plots
// need nothing beyond mcxsim itself.
//   mcxsim plot --csv A.csv[:label] [--csv B.csv[:label] ...] --x COL --y COL[,COL] --out F.svg
//               [--title T] [--xlabel X] [--ylabel Y] [--ymin V] [--ymax V]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "mcx/sim/cli_args.h"

namespace mcx::sim {

namespace {

struct Series {
  std::string label;
  std::vector<std::pair<double, double>> points;
};

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
  return out;
}

std::vector<Series> ReadSeries(const std::string& spec, const std::string& x, const std::vector<std::string>& ys) {
  const auto colon = spec.find(':');
  const std::string path = spec.substr(0, colon);
  const std::string label = colon == std::string::npos ? path : spec.substr(colon + 1);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  const auto header = SplitCsv(line);
  auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw UsageError("column '" + name + "' not in " + path);
    return static_cast<size_t>(it - header.begin());
  };
  const size_t xi = col(x);
  std::vector<Series> out;
  for (const auto& y : ys) out.push_back({ys.size() > 1 ? label + " " + y : label, {}});
  // A number, or the one-line reason naming the file, line and column.
  auto number = [&](const std::string& text, size_t line_no, const std::string& column) {
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(v))
      throw std::runtime_error(path + " line " + std::to_string(line_no) + ": " + column + " is not a number: '" +
                               text + "'");
    return v;
  };
  size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto f = SplitCsv(line);
    for (size_t k = 0; k < ys.size(); ++k) {
      const size_t yi = col(ys[k]);
      if (xi < f.size() && yi < f.size() && !f[xi].empty() && !f[yi].empty())
        out[k].points.push_back({number(f[xi], line_no, x), number(f[yi], line_no, ys[k])});
    }
  }
  if (header.empty()) throw std::runtime_error(path + ": empty (no header line)");
  return out;
}

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return o;
}

std::string Num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", std::round(v * 1e6) / 1e6);
  return b;
}

// Tick step giving about five ticks: 1, 2 or 5 times a power of ten.
double TickStep(double span) {
  const double raw = span / 5, p = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

}  // namespace

int RunPlot(const std::vector<std::string>& argv) {
  Args a(argv, {"csv*", "x", "y", "out", "title", "xlabel", "ylabel", "ymin", "ymax"}, {});
  if (a.Help()) {
    std::printf("usage: mcxsim plot --csv FILE[:label] [--csv FILE[:label] ...] --x COL --y COL[,COL]\n"
                "          --out FILE.svg [--title T] [--xlabel X] [--ylabel Y] [--ymin V] [--ymax V]\n"
                "  Draws one line per CSV file and y column as a standalone SVG chart.\n");
    return 0;
  }
  a.AtMostPositionals(0);
  const std::string x = a.Require("x"), out = a.Require("out");
  const std::optional<double> ymin = a.Number("ymin"), ymax = a.Number("ymax");
  std::vector<std::string> ys;
  std::stringstream ss(a.Require("y"));
  for (std::string y; std::getline(ss, y, ',');) ys.push_back(y);
  std::vector<Series> series;
  for (const auto& spec : a.All("csv"))
    for (auto& s : ReadSeries(spec, x, ys)) series.push_back(std::move(s));
  if (series.empty()) throw UsageError("need at least one --csv");

  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : series)
    for (const auto& [px, py] : s.points) x0 = std::min(x0, px), x1 = std::max(x1, px), y0 = std::min(y0, py), y1 = std::max(y1, py);
  if (!std::isfinite(x0)) throw UsageError("no data points");
  if (ymin) y0 = *ymin;
  if (ymax) y1 = *ymax;
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;

  const double W = 720, H = 440, L = 70, R = 190, T = 40, B = 60;
  auto sx = [&](double v) { return L + (v - x0) / (x1 - x0) * (W - L - R); };
  auto sy = [&](double v) { return H - B - (v - y0) / (y1 - y0) * (H - T - B); };
  static const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg << "<text x=\"" << W / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" << Esc(a.Get("title").value_or(""))
      << "</text>\n";
  const double xs = TickStep(x1 - x0), ysStep = TickStep(y1 - y0);
  for (double v = std::ceil(x0 / xs) * xs; v <= x1 + 1e-9; v += xs)
    svg << "<line x1=\"" << sx(v) << "\" y1=\"" << T << "\" x2=\"" << sx(v) << "\" y2=\"" << H - B
        << "\" stroke=\"#ddd\"/><text x=\"" << sx(v) << "\" y=\"" << H - B + 16 << "\" text-anchor=\"middle\">" << Num(v)
        << "</text>\n";
  for (double v = std::ceil(y0 / ysStep) * ysStep; v <= y1 + 1e-9; v += ysStep)
    svg << "<line x1=\"" << L << "\" y1=\"" << sy(v) << "\" x2=\"" << W - R << "\" y2=\"" << sy(v)
        << "\" stroke=\"#ddd\"/><text x=\"" << L - 6 << "\" y=\"" << sy(v) + 4 << "\" text-anchor=\"end\">" << Num(v)
        << "</text>\n";
  svg << "<rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << W - L - R << "\" height=\"" << H - T - B
      << "\" fill=\"none\" stroke=\"black\"/>\n";
  svg << "<text x=\"" << (L + W - R) / 2 << "\" y=\"" << H - 18 << "\" text-anchor=\"middle\">"
      << Esc(a.Get("xlabel").value_or(x)) << "</text>\n";
  svg << "<text transform=\"translate(18," << (T + H - B) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
      << Esc(a.Get("ylabel").value_or(ys.size() == 1 ? ys[0] : "")) << "</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const char* c = kColours[i % 8];
    svg << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"2\" points=\"";
    for (const auto& [px, py] : series[i].points) svg << sx(px) << ',' << sy(std::clamp(py, y0, y1)) << ' ';
    svg << "\"/>\n";
    for (const auto& [px, py] : series[i].points)
      svg << "<circle cx=\"" << sx(px) << "\" cy=\"" << sy(std::clamp(py, y0, y1)) << "\" r=\"2.5\" fill=\"" << c << "\"/>\n";
    const double ly = T + 14 + 18.0 * i;
    svg << "<line x1=\"" << W - R + 10 << "\" y1=\"" << ly << "\" x2=\"" << W - R + 30 << "\" y2=\"" << ly << "\" stroke=\"" << c
        << "\" stroke-width=\"2\"/><text x=\"" << W - R + 36 << "\" y=\"" << ly + 4 << "\">" << Esc(series[i].label) << "</text>\n";
  }
  svg << "</svg>\n";
  WriteFile(out, svg.str());
  return 0;
}

}  // namespace mcx::sim
