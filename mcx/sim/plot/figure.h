// A chart drawn by gnuplot (Debian's gnuplot-nox): series of points, with 95 % confidence
// intervals as error bars or as CDF steps, linear or log axes, written as PNG (pngcairo) or SVG
// by the output file's extension. The data file (<out>.dat) and the gnuplot script (<out>.gp)
// are kept next to the chart, so a user can restyle it with gnuplot alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mcx::sim::plot {

struct Point {
  double x = 0, y = 0;
  std::optional<double> y_low, y_high;  ///< an error bar (the 95 % confidence interval)
};

struct Series {
  std::string label;
  std::vector<Point> points;
};

struct Figure {
  enum class Style { kLines, kErrorBars, kSteps };
  Style style = Style::kLines;
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  std::optional<double> ymin, ymax;
  std::vector<Series> series;
};

/// Writes `out` (.png or .svg) with gnuplot, and out.dat / out.gp beside it. Throws
/// std::runtime_error with gnuplot's message when it fails, or when it is not installed.
void Render(const Figure& f, const std::string& out);

/// The script Render runs (for tests and for users who want to restyle).
std::string Script(const Figure& f, const std::string& out);

}  // namespace mcx::sim::plot
