#include "mcx/sim/plot/figure.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "mcx/sim/cli_args.h"

namespace mcx::sim::plot {

namespace {

// A text inside a gnuplot double-quoted string.
std::string Quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

std::string Num(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

std::string Terminal(const std::string& out) {
  const std::string ext = std::filesystem::path(out).extension();
  if (ext == ".png") return "pngcairo size 900,560 enhanced font 'sans,11'";
  if (ext == ".svg") return "svg size 900,560 dynamic enhanced font 'sans,11' background rgb 'white'";
  throw UsageError("--out names a .png or a .svg file, not '" + out + "'");
}

// gnuplot's data file: one block per series (two blank lines between), x y [low high].
std::string Data(const Figure& f) {
  std::string d;
  for (const Series& s : f.series) {
    d += "# " + s.label + "\n";
    for (const Point& p : s.points) {
      d += Num(p.x) + " " + Num(p.y);
      if (f.style == Figure::Style::kErrorBars) d += " " + Num(p.y_low.value_or(p.y)) + " " + Num(p.y_high.value_or(p.y));
      d += "\n";
    }
    d += "\n\n";
  }
  return d;
}

}  // namespace

std::string Script(const Figure& f, const std::string& out) {
  std::string s = "# Written by mcxsim plot; run `gnuplot " + std::filesystem::path(out).filename().string() +
                  ".gp` in this folder to draw it again.\n";
  s += "set terminal " + Terminal(out) + "\n";
  s += "set output " + Quoted(std::filesystem::path(out).filename().string()) + "\n";
  s += "set datafile commentschars '#'\n";
  if (!f.title.empty()) s += "set title " + Quoted(f.title) + " noenhanced\n";
  s += "set xlabel " + Quoted(f.xlabel) + " noenhanced\n";
  s += "set ylabel " + Quoted(f.ylabel) + " noenhanced\n";
  // Long series names go under the chart, so they do not squeeze it.
  size_t longest = 0;
  for (const Series& series : f.series) longest = std::max(longest, series.label.size());
  s += std::string("set grid lc rgb '#dddddd'\nset key ") +
       (longest > 24 ? "outside bottom center vertical" : "outside right top") + " noenhanced\n";
  if (f.logx) s += "set logscale x\n";
  if (f.logy) s += "set logscale y\n";
  if (f.ymin || f.ymax) s += "set yrange [" + (f.ymin ? Num(*f.ymin) : "") + ":" + (f.ymax ? Num(*f.ymax) : "") + "]\n";
  // A CDF's probabilities: [0:1] unless --ymin/--ymax zoom in (on its tail, say).
  if (f.style == Figure::Style::kSteps && !f.ymin && !f.ymax) s += "set yrange [0:1]\n";
  const std::string data = Quoted(std::filesystem::path(out).filename().string() + ".dat");
  s += "plot ";
  for (size_t i = 0; i < f.series.size(); ++i) {
    if (i) s += ", \\\n     ";
    const std::string title = " linecolor " + std::to_string(i + 1) + " title " + Quoted(f.series[i].label);
    switch (f.style) {
      case Figure::Style::kLines:
        s += data + " index " + std::to_string(i) + " using 1:2 with linespoints pt 7 ps 0.6" + title;
        break;
      case Figure::Style::kErrorBars:
        // The mean joined by a line, the 95 % interval as bars.
        s += data + " index " + std::to_string(i) + " using 1:2:3:4 with yerrorlines pt 7 ps 0.6" + title;
        break;
      case Figure::Style::kSteps:
        s += data + " index " + std::to_string(i) + " using 1:2 with steps lw 1.5" + title;
        break;
    }
  }
  return s + "\n";
}

void Render(const Figure& f, const std::string& out) {
  Terminal(out);  // an unknown format is refused before anything is written
  if (f.series.empty()) throw UsageError("nothing to draw");
  for (const Series& s : f.series)
    for (const Point& p : s.points)
      if ((f.logx && p.x <= 0) || (f.logy && p.y <= 0))
        throw UsageError("a log axis cannot show " + Num(f.logx && p.x <= 0 ? p.x : p.y) + " (series " + s.label + ")");
  const std::filesystem::path path = std::filesystem::absolute(out);
  WriteFile(path.string() + ".dat", Data(f));
  WriteFile(path.string() + ".gp", Script(f, path.string()));
  const std::string cmd = "cd " + ShellQuote(path.parent_path().string()) + " && gnuplot " +
                          ShellQuote(path.filename().string() + ".gp") + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot start gnuplot");
  std::string said;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) said.append(buf, n);
  const int rc = pclose(p);
  if (rc != 0 || !std::filesystem::exists(path)) {
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 127)
      throw std::runtime_error("gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
    throw std::runtime_error("gnuplot failed on " + path.string() + ".gp: " + said);
  }
}

}  // namespace mcx::sim::plot
