// Validation steps 2 and 4 (TBS part) of the PC5 design brief section 15, see docs/sidelink.md: the sidelink
// model takes TBS from ns-3's own LteAmc; it must equal TS 36.213 Table 7.1.7.2.1-1 as psc-ns3 has
// it, and with our pool mapping give the WNS3 2017 PSSCH rate bounds.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ns3/lte-amc.h>

#include "mcx/models/sidelink/radio/sl_pool.h"

using namespace mcx::sidelink;
using nlohmann::json;

static json Load(const std::string& name) {
  std::ifstream in(std::string(MCX_TEST_DATA_DIR) + "/sidelink/" + name);
  return json::parse(in);
}

TEST(SidelinkTbs, LteAmcEqualsTableForEveryPsschMcsAndPrb) {
  const json rows = Load("tbs-36213-ul.json").at("pssch_tbs_bits_by_mcs_then_nprb").at("rows");
  auto amc = ns3::CreateObject<ns3::LteAmc>();
  ASSERT_EQ(rows.size(), 21u);
  int compared = 0;
  for (int mcs = 0; mcs <= 20; ++mcs)
    for (int nprb = 1; nprb <= 50; ++nprb, ++compared)
      EXPECT_EQ(amc->GetUlTbSizeFromMcs(mcs, nprb), rows[mcs][nprb - 1].get<int>()) << mcs << "/" << nprb;
  EXPECT_EQ(compared, 21 * 50);
}

TEST(SidelinkTbs, Wns3PsschRateBounds) {
  // TBs per period from our pool mapping times LteAmc's TBS, over the period.
  const json configs = Load("derived-reference.json").at("wns3_2017_pssch_expected_rate").at("configs");
  auto amc = ns3::CreateObject<ns3::LteAmc>();
  ASSERT_EQ(configs.size(), 3u);
  for (const auto& c : configs) {
    SlCommPool pool;
    pool.periodSubframes = c.at("period_ms");
    const uint32_t pscch = c.at("pscch_subframes");
    pool.scBitmap = (uint64_t{1} << pscch) - 1;
    pool.dataOffset = pscch;
    pool.trptSubset = 0x7;
    const SlPoolMap map(pool);
    ASSERT_FALSE(pool.Validate()) << *pool.Validate();
    EXPECT_EQ(map.PsschSubframes().size(), c.at("pssch_pool_subframes").get<size_t>());
    const uint32_t tbs = map.TbsPerPeriod(c.at("k_trp"));
    EXPECT_EQ(tbs, c.at("tbs_per_period").get<uint32_t>()) << c.at("name");
    const auto rbs = c.at("rbs").get<std::vector<int>>();
    const auto rates = c.at("rate_kbps").get<std::vector<double>>();
    for (size_t i = 0; i < rbs.size(); ++i) {
      const double kbps = tbs * amc->GetUlTbSizeFromMcs(c.at("mcs"), rbs[i]) / static_cast<double>(pool.periodSubframes);
      EXPECT_NEAR(kbps, rates[i], 0.0501)  /* reference rounded to 0.1 kb/s */ << c.at("name") << " " << rbs[i] << " PRB";
    }
  }
}
