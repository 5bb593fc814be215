// Sidelink radio abstraction: O2O path loss against the brief's table, the SINR rule, and the
// isolated-link PRR chain (path loss -> SINR -> NIST curves) against derived-reference.json.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mcx/models/sidelink/radio/nist_error_model.h"
#include "mcx/models/sidelink/radio/sl_radio.h"

using namespace mcx::sidelink;
using nlohmann::json;

namespace {
json Reference() {
  std::ifstream in(std::string(MCX_TEST_DATA_DIR) + "/sidelink/derived-reference.json");
  return json::parse(in);
}
}  // namespace

TEST(SidelinkRadio, O2oPathLossMatchesReferenceTable) {
  const json rows = Reference().at("pathloss_793MHz").at("rows");
  O2oParams code, doc;
  doc.heights = O2oHeights::Documented;
  ASSERT_GE(rows.size(), 10u);
  for (const auto& r : rows) {
    const double d = r.at("d_m");
    EXPECT_NEAR(O2oLosProbability(d), r.at("p_los").get<double>(), 1e-4) << d;
    EXPECT_NEAR(O2oPathLossDb(d, 1.5, 1.5, true, code), r.at("pl_los_dB").get<double>(), 0.051) << d;
    EXPECT_NEAR(O2oPathLossDb(d, 1.5, 1.5, false, code), r.at("pl_nlos_dB").get<double>(), 0.051) << d;
    EXPECT_NEAR(O2oPathLossDb(d, 1.5, 1.5, true, doc), r.at("pl_los_doc_heights_dB").get<double>(), 0.051) << d;
    EXPECT_NEAR(O2oFreeSpaceDb(d, code), r.at("fspl_dB").get<double>(), 0.051) << d;
  }
  // Outside the two NLOS frequency windows the model degenerates to free space (brief section 11).
  O2oParams off;
  off.frequencyHz = 700e6;
  EXPECT_DOUBLE_EQ(O2oPathLossDb(500, 1.5, 1.5, false, off), O2oFreeSpaceDb(500, off));
}

TEST(SidelinkRadio, IsolatedLinkSinrIsTheLinkBudget) {
  const SlRadioParams radio;
  EXPECT_NEAR(radio.NoisePerRbDbm(), -112.45, 0.005);
  // Curve-axis SINR = 139.45 - 10log10(n) - PL (section 9).
  const auto sinr = SubframeSinrDb({{0, 10, 5}}, 1, [](uint32_t, uint32_t) { return 120.0; }, radio);
  EXPECT_NEAR(sinr[0], 139.45 - 10 * std::log10(5.0) - 120.0, 0.005);
  // The receiver's own transmission has no SINR.
  EXPECT_TRUE(std::isinf(SubframeSinrDb({{1, 0, 1}}, 1, [](uint32_t, uint32_t) { return 0.0; }, radio)[0]));
}

TEST(SidelinkRadio, InterferenceOnlyFromOverlappingRbs) {
  const SlRadioParams radio;
  auto loss = [](uint32_t tx, uint32_t) { return tx == 0 ? 80.0 : 90.0; };
  // Disjoint RBs: no interference.
  auto s = SubframeSinrDb({{0, 0, 2}, {2, 10, 2}}, 1, loss, radio);
  EXPECT_NEAR(s[0], 139.45 - 10 * std::log10(2.0) - 80.0, 0.005);
  // Full overlap: SINR ~ S/I (10 dB apart) plus the SIMO gain.
  s = SubframeSinrDb({{0, 0, 2}, {2, 0, 2}}, 1, loss, radio);
  EXPECT_NEAR(s[0], 10.0 + 4.0, 0.01);
  EXPECT_NEAR(s[1], -10.0 + 4.0, 0.01);
  // Half overlap: mean of linear SINR over the two RBs.
  s = SubframeSinrDb({{0, 0, 2}, {2, 1, 2}}, 1, loss, radio);
  const double clean = std::pow(10, (139.45 - 3.0103 - 80.0 - 4.0) / 10), hit = 10.0;
  EXPECT_NEAR(s[0], 10 * std::log10((clean + hit) / 2) + 4.0, 0.02);
}

TEST(SidelinkRadio, IsolatedLinkPrrMatchesReferenceWithoutShadowing) {
  const json prr = Reference().at("prr_vs_distance");
  const auto distances = prr.at("distances_m").get<std::vector<double>>();
  const auto& m = NistErrorModel::Instance();
  const O2oParams o2o;
  const SlRadioParams radio;
  const double budgetDb = radio.txPowerDbm - radio.NoisePerRbDbm() + radio.simoGainDb;  // 139.45
  int curves = 0;
  for (const auto& c : prr.at("curves")) {
    if (c.at("shadowing_sigma_dB").get<double>() != 0.0 || c.at("harq_semantics") != "nist") continue;
    const uint32_t mcs = c.at("mcs"), rbs = c.at("rbs");
    const auto expect = c.at("prr").get<std::vector<double>>();
    const auto expectSci = c.at("p_sci").get<std::vector<double>>();
    for (size_t i = 0; i < distances.size(); ++i) {
      double p = 0, pSci = 0;
      for (bool los : {true, false}) {
        const double w = los ? O2oLosProbability(distances[i]) : 1 - O2oLosProbability(distances[i]);
        const double pl = O2oPathLossDb(distances[i], 1.5, 1.5, los, o2o);
        const double sci = 1 - std::pow(m.PscchBler(budgetDb - pl), 2);
        double lost = 1;
        SlHarqState h;
        for (int k = 0; k < 4; ++k) lost *= m.PsschBler(mcs, budgetDb - 10 * std::log10(rbs) - pl, h);
        p += w * sci * (1 - lost);
        pSci += w * sci;
      }
      EXPECT_NEAR(p, expect[i], 0.002) << "MCS " << mcs << "/" << rbs << " PRB at " << distances[i] << " m";
      EXPECT_NEAR(pSci, expectSci[i], 0.002) << distances[i];
    }
    ++curves;
  }
  EXPECT_GE(curves, 2);
}
