// Validation steps 1 and 2 of the PC5 design brief section 15, see docs/sidelink.md: the pool unit vectors of
// psc-ns3's sidelink-comm-pool suite exactly, the T-RPT table, and the BLER lookups.
#include <cmath>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mcx/models/sidelink/radio/nist_error_model.h"
#include "mcx/models/sidelink/radio/sl_pool.h"

using namespace mcx::sidelink;
using nlohmann::json;

namespace {
json Load(const std::string& name) {
  std::ifstream in(std::string(MCX_TEST_DATA_DIR) + "/sidelink/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}
uint64_t Hex(const json& v) { return std::stoull(v.get<std::string>(), nullptr, 16); }

SlCommPool UnitVectorPool(const json& p) {
  SlCommPool pool;
  const std::string period = p.at("period");
  pool.periodSubframes = static_cast<uint32_t>(std::stoul(period.substr(2)));
  pool.scBitmap = Hex(p.at("scBitmap"));
  pool.scPrbNum = p.at("scPrbNum");
  pool.scPrbStart = p.at("scPrbStart");
  pool.scPrbEnd = p.at("scPrbEnd");
  pool.scOffset = p.at("scOffset");
  pool.dataBitmap = Hex(p.at("dataBitmap"));
  pool.dataPrbNum = p.at("dataPrbNum");
  pool.dataPrbStart = p.at("dataPrbStart");
  pool.dataPrbEnd = p.at("dataPrbEnd");
  pool.dataOffset = p.at("dataOffset");
  return pool;
}
}  // namespace

TEST(SidelinkPool, NextScPeriodVectors) {
  const json v = Load("pool-configs.json").at("unit_test_vectors");
  const SlPoolMap map(UnitVectorPool(v.at("pool")));
  ASSERT_EQ(v.at("next_sc_period").size(), 3u);
  for (const auto& t : v.at("next_sc_period")) {
    const SfnSf got = map.NextPeriodStart({t["in"][0], t["in"][1]});
    EXPECT_EQ(got.frame, t["expect"][0].get<uint32_t>()) << t.dump();
    EXPECT_EQ(got.subframe, t["expect"][1].get<uint32_t>()) << t.dump();
  }
  // A period start is its own next start; one subframe later moves on by a whole period.
  EXPECT_EQ(map.NextPeriodStartAbsolute(80), 80u);
  EXPECT_EQ(map.NextPeriodStartAbsolute(81), 200u);
}

TEST(SidelinkPool, PscchResourceVectors) {
  const json v = Load("pool-configs.json").at("unit_test_vectors");
  const SlPoolMap map(UnitVectorPool(v.at("pool")));
  EXPECT_EQ(map.NumPscchResources(), 2u);
  for (const auto& t : v.at("pscch_resource")) {
    const auto tx = map.PscchTransmissions(t.at("n_pscch"));
    const SlResource& r = tx.at(t.at("copy").get<size_t>());
    EXPECT_EQ(r.subframe, t["expect_frame"].get<uint32_t>() * 10 + t["expect_subframe"].get<uint32_t>()) << t.dump();
    EXPECT_EQ(r.prb, t["expect_rb"].get<uint32_t>()) << t.dump();
  }
  for (const auto& t : v.at("pscch_rbs_in_subframe")) {
    const uint32_t start = map.NextPeriodStartAbsolute(0);
    const uint32_t sf = SfnSf{t["in"][0], t["in"][1]}.Absolute();
    EXPECT_EQ(map.PscchPrbsInSubframe(sf - start), t.at("expect_rbs").get<std::vector<uint32_t>>()) << t.dump();
  }
}

TEST(SidelinkPool, PsschTransmissionVectors) {
  const json v = Load("pool-configs.json").at("unit_test_vectors");
  const SlPoolMap map(UnitVectorPool(v.at("pool")));
  const json& q = v.at("pssch");
  const uint32_t start = map.NextPeriodStartAbsolute(SfnSf{q["query_time"][0], q["query_time"][1]}.Absolute());
  const auto subframes = map.PsschTransmissions(q.at("i_trp"));
  ASSERT_EQ(subframes.size(), q.at("expect").size());
  for (const auto& e : q.at("expect")) {
    const SfnSf got = SfnSf::FromAbsolute(start + subframes.at(e.at("tx").get<size_t>()));
    EXPECT_EQ(got, (SfnSf{e["frame"], e["subframe"]})) << e.dump();
  }
  // rbStart choices keep rb_len contiguous PRBs inside the 10+10 PRB data pool.
  const auto starts = map.PsschRbStarts(q.at("rb_len"));
  EXPECT_NE(std::find(starts.begin(), starts.end(), q.at("rb_start").get<uint32_t>()), starts.end());
  for (uint32_t s : starts) EXPECT_TRUE(s + 6 <= 10 || (s >= 40 && s + 6 <= 50)) << s;
}

TEST(SidelinkPool, PreconfiguredDefaultMatchesDerivedValues) {
  const json d = Load("pool-configs.json").at("preconfig_pool_default").at("derived");
  const SlPoolMap map(SlCommPool::PreconfiguredDefault());
  EXPECT_FALSE(map.Pool().Validate());
  EXPECT_EQ(map.PscchSubframes(), d.at("pscch_subframes_rel_period_start").get<std::vector<uint32_t>>());
  EXPECT_EQ(map.PscchPrbs(), d.at("pscch_prbs").get<std::vector<uint32_t>>());
  EXPECT_EQ(map.NumPscchResources(), d.at("N_pscch_resources").get<uint32_t>());
  EXPECT_EQ(map.PsschSubframes(), d.at("pssch_subframe_pool_rel_period_start").get<std::vector<uint32_t>>());
  EXPECT_EQ(map.PsschPrbs().size(), d.at("pssch_prbs_count").get<size_t>());
  // Brief section 5: k=1 -> 1 TB, k=2 -> 2, k=4 -> 4, k=8 -> 8 per 40 ms period.
  EXPECT_EQ(map.TbsPerPeriod(1), 1u);
  EXPECT_EQ(map.TbsPerPeriod(2), 2u);
  EXPECT_EQ(map.TbsPerPeriod(4), 4u);
  EXPECT_EQ(map.TbsPerPeriod(8), 8u);
  // k=1, I_TRP j: four transmissions 8 ms apart at 8+j, 16+j, 24+j, 32+j.
  for (uint32_t j = 0; j < 8; ++j)
    EXPECT_EQ(map.PsschTransmissions(j), (std::vector<uint32_t>{8 + j, 16 + j, 24 + j, 32 + j}));
  EXPECT_EQ(map.PsschTransmissions(36), (std::vector<uint32_t>{8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27, 32, 33, 34, 35}));
}

TEST(SidelinkPool, PscchCopiesNeverShareAResource) {
  // Brief section 4: distinct n_PSCCH never share a (subframe, PRB) pair; the copies of one
  // resource are in different subframes.
  const SlPoolMap map(SlCommPool::PreconfiguredDefault());
  std::set<std::pair<uint32_t, uint32_t>> used;
  for (uint32_t n = 0; n < map.NumPscchResources(); ++n) {
    const auto tx = map.PscchTransmissions(n);
    EXPECT_NE(tx[0].subframe, tx[1].subframe) << n;
    for (const auto& r : tx) EXPECT_TRUE(used.insert({r.subframe, r.prb}).second) << n;
  }
  EXPECT_EQ(used.size(), 2u * 176u);
}

TEST(SidelinkPool, InvalidPoolsAreRejectedWithAReason) {
  SlCommPool p;
  p.periodSubframes = 50;
  EXPECT_TRUE(p.Validate());
  p = SlCommPool{};
  p.dataOffset = 4;  // overlaps PSCCH subframes 0..7
  EXPECT_TRUE(p.Validate());
  p = SlCommPool{};
  p.scBitmap = 0;
  EXPECT_TRUE(p.Validate());
}

TEST(SidelinkPool, GrantFitIsCheckedWithAReason) {
  // The pre-configured pool: 50 contiguous data PRBs, 32 PSSCH subframes in a 40 ms period.
  const SlPoolMap map(SlCommPool::PreconfiguredDefault());
  for (uint32_t k : {1u, 2u, 4u, 8u}) {
    EXPECT_EQ(map.CheckGrantFit(1, k), std::nullopt) << k;
    EXPECT_EQ(map.CheckGrantFit(50, k), std::nullopt) << k;
  }
  EXPECT_EQ(map.CheckGrantFit(51, 1), "51 PSSCH PRBs do not fit the data pool (at most 50 contiguous PRBs)");
  EXPECT_EQ(map.CheckGrantFit(5, 3), "k_TRP must be 1, 2, 4 or 8, not 3");
  EXPECT_TRUE(map.CheckGrantFit(0, 1));
  // A data pool of PRBs 0..9 and 40..49: 10 contiguous at most.
  SlCommPool split;
  split.dataPrbNum = 10;
  ASSERT_FALSE(split.Validate());
  const SlPoolMap splitMap(split);
  EXPECT_EQ(splitMap.CheckGrantFit(10, 1), std::nullopt);
  EXPECT_EQ(splitMap.CheckGrantFit(11, 1), "11 PSSCH PRBs do not fit the data pool (at most 10 contiguous PRBs)");
  // A PSSCH pool of 5 subframes: k_TRP 1 with I_TRP 0 selects one of them (no TB), k_TRP 8 all
  // five (one TB).
  SlCommPool late;
  late.dataOffset = 35;
  ASSERT_FALSE(late.Validate());
  const SlPoolMap lateMap(late);
  EXPECT_EQ(lateMap.CheckGrantFit(5, 1),
            "the PSSCH pool (5 subframes per 40 ms period) holds no transport block for k_TRP 1 (I_TRP 0)");
  EXPECT_EQ(lateMap.CheckGrantFit(5, 8), std::nullopt);
}

TEST(SidelinkTrp, TableMatchesSourceWithBothDefectsCorrected) {
  const json t = Load("trp-table.json");
  ASSERT_EQ(t.at("entries").size(), kNumTrp);
  int corrected = 0;
  for (const auto& e : t.at("entries")) {
    const uint32_t i = e.at("i_trp");
    std::string bits = e.contains("bitmap_corrected_inferred") ? e["bitmap_corrected_inferred"] : e["bitmap"];
    if (e.contains("bitmap_corrected_inferred")) ++corrected;
    // The file writes b'_0 leftmost.
    uint8_t expect = 0;
    for (size_t j = 0; j < 8; ++j) expect |= static_cast<uint8_t>((bits[j] == '1') << j);
    EXPECT_EQ(TrpBitmap(i), expect) << i;
    EXPECT_EQ(TrpK(i), e.at("k_trp").get<uint32_t>()) << i;
    const auto [lo, hi] = TrpRange(TrpK(i));
    EXPECT_TRUE(i >= lo && i <= hi) << i;
    if (i == 36) EXPECT_NE(TrpK(i), e.at("k_trp_as_in_source").get<uint32_t>());
  }
  EXPECT_EQ(corrected, 1);
  std::set<uint8_t> distinct;
  for (uint32_t i = 0; i < kNumTrp; ++i) distinct.insert(TrpBitmap(i));
  EXPECT_EQ(distinct.size(), kNumTrp);  // the source's duplicate at 62 is gone
  EXPECT_EQ(TrpBitmap(kNumTrp), 0);
}

TEST(SidelinkBler, LookupRules) {
  const BlerCurve& c = NistErrorModel::Instance().Pscch();
  EXPECT_EQ(c.Bler(c.minDb - 0.01), 1.0);
  EXPECT_EQ(c.Bler(c.MaxDb() + 0.01), 0.0);
  EXPECT_DOUBLE_EQ(c.Bler(c.minDb + 3 * c.stepDb), c.bler[3]);
  // Between grid points: linear in linear SINR, not in dB.
  const double lo = c.minDb + 10 * c.stepDb, hi = lo + c.stepDb;
  const double mid = 10 * std::log10((std::pow(10, lo / 10) + std::pow(10, hi / 10)) / 2);
  EXPECT_NEAR(c.Bler(mid), (c.bler[10] + c.bler[11]) / 2, 1e-12);
  EXPECT_NEAR(c.Bler(c.SinrDb(0.3)), 0.3, 1e-9);
  EXPECT_THROW(NistErrorModel::Instance().Pssch(21, 1), std::out_of_range);
}

// Lowest SINR on a 0.01 dB grid at which the curve reaches `target` (derived-reference.json's rule).
static double Threshold(const BlerCurve& c, double target) {
  for (int i = static_cast<int>(std::floor(c.minDb * 100)) - 1; i <= static_cast<int>(std::ceil(c.MaxDb() * 100)) + 1; ++i)
    if (c.Bler(i / 100.0) <= target) return i / 100.0;
  return NAN;
}

TEST(SidelinkBler, ThresholdsMatchDerivedReference) {
  const json r = Load("derived-reference.json").at("sinr_thresholds_dB");
  const auto& m = NistErrorModel::Instance();
  EXPECT_NEAR(Threshold(m.Pscch(), 0.1), r["pscch"]["bler_0.1"].get<double>(), 0.0100001);
  EXPECT_NEAR(Threshold(m.Pscch(), 0.01), r["pscch"]["bler_0.01"].get<double>(), 0.0100001);
  int checked = 0;
  for (uint32_t mcs = 0; mcs <= kMaxPsschMcs; ++mcs)
    for (uint32_t tx = 1; tx <= 4; ++tx) {
      const json& e = r["pssch_by_mcs_then_tx"][std::to_string(mcs)][std::to_string(tx)];
      for (double target : {0.1, 0.01}) {
        const std::string key = target == 0.1 ? "bler_0.1" : "bler_0.01";
        EXPECT_NEAR(Threshold(m.Pssch(mcs, tx), target), e.at(key).get<double>(), 0.0100001) << mcs << "/" << tx;
        ++checked;
      }
    }
  EXPECT_EQ(checked, 21 * 4 * 2);
}

TEST(SidelinkBler, HarqCombiningFollowsNistRule) {
  const auto& m = NistErrorModel::Instance();
  // Equal SINR: reception k reads curve k.
  SlHarqState s;
  for (uint32_t k = 1; k <= 4; ++k) EXPECT_DOUBLE_EQ(m.PsschBler(16, 1.0, s), m.Pssch(16, k).Bler(1.0));
  EXPECT_EQ(s.receptions, 4u);
  // Unequal SINR: the higher-SINR BLER weighted by the SINR ratio; effective SINR is the inverse.
  SlHarqState h;
  m.PsschBler(10, -3.0, h);
  const double b = m.PsschBler(10, -1.0, h);
  const double bLo = m.Pssch(10, 2).Bler(-3.0), bHi = m.Pssch(10, 2).Bler(-1.0);
  const double r = std::pow(10, 0.2);
  EXPECT_NEAR(b, (bLo + bHi * r) / (1 + r), 1e-12);
  EXPECT_NEAR(m.Pssch(10, 2).Bler(h.effSinrDb), b, 1e-9);
  EXPECT_GT(h.effSinrDb, -3.0);
  EXPECT_LT(h.effSinrDb, -1.0);
  // Both hopeless: BLER 1, and the better SINR is kept.
  SlHarqState z;
  m.PsschBler(20, -20.0, z);
  EXPECT_EQ(m.PsschBler(20, -15.0, z), 1.0);
  EXPECT_EQ(z.effSinrDb, -15.0);
}
