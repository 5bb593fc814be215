// Validation step 3 (the PC5 design brief section 15, see docs/sidelink.md): isolated-link PRR versus distance
// from the full ns-3 model (grants, SCI, HARQ, per-link LOS and shadowing) against the brief's
// derived reference, within Monte-Carlo error; and step 5's latency distribution.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mcx/scenarios/sidelink_prr/sidelink_prr.h"

using mcx::scenarios::RunSidelinkPrr;
using mcx::scenarios::SidelinkPrrParams;
using nlohmann::json;

namespace {
json ReferenceCurve(uint32_t mcs, uint32_t rbs, double sigma) {
  std::ifstream in(std::string(MCX_TEST_DATA_DIR) + "/sidelink/derived-reference.json");
  const json prr = json::parse(in).at("prr_vs_distance");
  for (const auto& c : prr.at("curves"))
    if (c.at("mcs") == mcs && c.at("rbs") == rbs && c.at("shadowing_sigma_dB").get<double>() == sigma &&
        c.at("harq_semantics") == "nist")
      return {{"d", prr.at("distances_m")}, {"prr", c.at("prr")}, {"p_sci", c.at("p_sci")}};
  return nullptr;
}

// The reference is per transport block: each packet must fit one TB (IPv4 + UDP 28, PDCP 5, RLC 2).
void CheckAgainstReference(uint32_t mcs, uint32_t rbs, uint32_t tbsBytes, double sigma, std::vector<double> distances,
                           uint64_t seed) {
  const json ref = ReferenceCurve(mcs, rbs, sigma);
  ASSERT_FALSE(ref.is_null());
  SidelinkPrrParams p;
  p.radio.mcs = mcs;
  p.radio.prbs = rbs;
  p.radio.shadowing_sigma_db = sigma;
  p.distances_m = distances;
  p.receivers_per_distance = 400;
  p.packets = 12;
  p.packet_bytes = tbsBytes - 35;
  p.seeds.run = seed;
  const auto r = RunSidelinkPrr(p);
  ASSERT_EQ(r.packets_sent, 12u);
  const auto ds = ref.at("d").get<std::vector<double>>();
  for (size_t i = 0; i < distances.size(); ++i) {
    const size_t k = std::find(ds.begin(), ds.end(), distances[i]) - ds.begin();
    ASSERT_LT(k, ds.size());
    const double expect = ref["prr"][k], expectSci = ref["p_sci"][k];
    // Links are the independent samples (LOS state and shadowing are per link): 4 sigma + 0.01.
    const double tol = 4 * std::sqrt(expect * (1 - expect) / p.receivers_per_distance) + 0.01;
    const double tolSci = 4 * std::sqrt(expectSci * (1 - expectSci) / p.receivers_per_distance) + 0.01;
    EXPECT_NEAR(r.prr[i], expect, tol) << "MCS " << mcs << "/" << rbs << " PRB, sigma " << sigma << ", " << distances[i] << " m";
    EXPECT_NEAR(r.p_sci[i], expectSci, tolSci) << distances[i] << " m";
  }
}
}  // namespace

TEST(SidelinkValidation, PrrMcs16Prb5NoShadowing) { CheckAgainstReference(16, 5, 193, 0.0, {300, 600, 700, 900, 1000, 1200}, 11); }
TEST(SidelinkValidation, PrrMcs16Prb5Shadowing7) { CheckAgainstReference(16, 5, 193, 7.0, {200, 400, 500, 700, 1000, 1500}, 12); }
TEST(SidelinkValidation, PrrMcs10Prb2NoShadowing) { CheckAgainstReference(10, 2, 41, 0.0, {500, 900, 1000, 1200, 1500}, 13); }
TEST(SidelinkValidation, PrrMcs10Prb2Shadowing7) { CheckAgainstReference(10, 2, 41, 7.0, {400, 700, 1000, 1500, 2000}, 14); }

TEST(SidelinkValidation, OneWayLatencyAt40MsPeriod) {
  // Step 5: k=1, P=40 ms, no loss: min 13, max 60, mean 36.5 ms (U(0,P) + 4 + 9..16).
  SidelinkPrrParams p;
  p.distances_m = {20};
  p.receivers_per_distance = 2;
  p.packets = 1500;
  const auto r = RunSidelinkPrr(p);
  ASSERT_EQ(r.latency_ms.size(), 3000u);
  double sum = 0, mn = 1e9, mx = 0;
  for (double x : r.latency_ms) sum += x, mn = std::min(mn, x), mx = std::max(mx, x);
  EXPECT_NEAR(sum / r.latency_ms.size(), 36.5, 1.0);
  EXPECT_GE(mn, 13.0 - 1e-9);
  EXPECT_LE(mx, 60.0 + 1e-9);
  // At a 160 ms period the mean grows by (160 - 40) / 2 = 60 ms.
  p.radio.sc_period_ms = 160;
  p.packets = 600;
  const auto slow = RunSidelinkPrr(p);
  double sumSlow = 0;
  for (double x : slow.latency_ms) sumSlow += x;
  EXPECT_NEAR(sumSlow / slow.latency_ms.size(), 96.5, 3.0);
}
