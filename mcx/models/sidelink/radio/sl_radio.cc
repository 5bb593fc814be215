#include "mcx/models/sidelink/radio/sl_radio.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace mcx::sidelink {

namespace {
constexpr double kSpeedOfLight = 3e8;
double Log10(double x) { return std::log10(x); }
}  // namespace

double O2oFreeSpaceDb(double d, const O2oParams& p) {
  const double fcGHz = p.frequencyHz / 1e9;
  return 20 * Log10(d) + p.freeSpaceConstantDb + 20 * Log10(fcGHz / 5);
}

double O2oLosDb(double d, double zTx, double zRx, const O2oParams& p) {
  const double fcGHz = p.frequencyHz / 1e9;
  // psc-ns3: h1 = z_b - 1.0, h2 = z_a - 0.7 (a = transmitter, b = receiver); documented 0.8/0.8 m.
  const double h1 = p.heights == O2oHeights::Code ? zRx - 1.0 : 0.8;
  const double h2 = p.heights == O2oHeights::Code ? zTx - 0.7 : 0.8;
  const double breakpointM = 4 * h1 * h2 * p.frequencyHz / kSpeedOfLight;
  if (d <= breakpointM) return 22.7 * Log10(d) + 27.0 + 20 * Log10(fcGHz);
  return 40 * Log10(d) + 7.56 - 17.3 * Log10(h1) - 17.3 * Log10(h2) + 2.7 * Log10(fcGHz);
}

double O2oNlosDb(double d, double /*zTx*/, double zRx, const O2oParams& p) {
  const double fcGHz = p.frequencyHz / 1e9;
  const double hbs = zRx;
  double c;
  // The B1 NLOS frequency term exists only for these two windows; elsewhere psc-ns3 keeps free space.
  if (fcGHz >= 0.758 && fcGHz <= 0.798) c = 16.33 + 26.16 * Log10(fcGHz);
  else if (fcGHz >= 1.92 && fcGHz <= 2.17) c = 14.78 + 34.97 * Log10(fcGHz);
  else return 0.0;
  return (44.9 - 6.55 * Log10(hbs)) * Log10(d) + 5.83 * Log10(hbs) + c + p.nlosOffsetDb;
}

double O2oPathLossDb(double d, double zTx, double zRx, bool los, const O2oParams& p) {
  d = std::max(d, 1e-3);
  const double fs = O2oFreeSpaceDb(d, p);
  if (d < 3.0) return fs;
  return std::max(fs, los ? O2oLosDb(d, zTx, zRx, p) : O2oNlosDb(d, zTx, zRx, p));
}

double O2oLosProbability(double d) {
  const double e = std::exp(-d / 36.0);
  return std::min(18.0 / d, 1.0) * (1 - e) + e;
}

double SlRadioParams::NoisePerRbDbm() const { return -174.0 + 10 * std::log10(180e3) + noiseFigureDb; }

std::vector<double> SubframeSinrDb(const std::vector<SlAirTx>& txs, uint32_t rx,
                                   const std::function<double(uint32_t, uint32_t)>& lossDb,
                                   const SlRadioParams& radio,
                                   const std::function<uint32_t(uint32_t)>& rbsPerNode) {
  auto mw = [](double dbm) { return std::pow(10.0, dbm / 10.0); };
  // Received power per RB of each transmission, and the total on each RB.
  std::vector<double> perRbMw(txs.size());
  std::map<uint32_t, double> totalOnRb;
  std::map<uint32_t, double> lossCache;
  for (size_t i = 0; i < txs.size(); ++i) {
    const SlAirTx& t = txs[i];
    if (t.node == rx) continue;
    auto it = lossCache.find(t.node);
    if (it == lossCache.end()) it = lossCache.emplace(t.node, lossDb(t.node, rx)).first;
    const uint32_t nodeRbs = rbsPerNode ? rbsPerNode(t.node) : t.rbLen;
    perRbMw[i] = mw(radio.txPowerDbm - 10 * std::log10(static_cast<double>(nodeRbs)) - it->second);
    for (uint32_t rb = t.rbStart; rb < t.rbStart + t.rbLen; ++rb) totalOnRb[rb] += perRbMw[i];
  }
  const double noiseMw = mw(radio.NoisePerRbDbm());
  std::vector<double> sinrDb(txs.size(), -INFINITY);
  for (size_t i = 0; i < txs.size(); ++i) {
    const SlAirTx& t = txs[i];
    if (t.node == rx || t.rbLen == 0) continue;
    double sum = 0;
    for (uint32_t rb = t.rbStart; rb < t.rbStart + t.rbLen; ++rb)
      sum += perRbMw[i] / (noiseMw + totalOnRb[rb] - perRbMw[i]);
    sinrDb[i] = 10 * std::log10(sum / t.rbLen) + radio.simoGainDb;
  }
  return sinrDb;
}

}  // namespace mcx::sidelink
