// Every registered scenario through the generic path the command line uses: what it declares is
// what it produces, and its random numbers follow ns-3's seed and run and nothing else.
#include <gtest/gtest.h>
#include <ns3/core-module.h>

#include <set>

#include "mcx/scenarios/registry/scenario.h"

namespace mcx::scenarios {
namespace {

/// Small parameters (seconds each) for every scenario; a scenario registered without a case here
/// fails AllScenariosHaveACase.
const std::map<std::string, ParamValues>& SmallRuns() {
  static const std::map<std::string, ParamValues> runs = {
      {"group-rekey", {{"members", 4.0}, {"rekeys", 1.0}}},
      {"sidelink-prr", {{"distances", std::vector<double>{150, 400}}, {"receivers", 8.0}, {"packets", 20.0}}},
      {"offnet-group-call", {{"members", 4.0}, {"duration", 20.0}}},
      {"offnet-private-call", {{"calls", 2.0}}},
      {"on-off-transition", {{"members", 4.0}, {"away", 2.0}, {"leave-stagger", 2.0}}},
  };
  return runs;
}

ParamValues With(ParamValues v, const std::string& name, ParamValue value) {
  v[name] = std::move(value);
  return v;
}

/// Draws from variables without a fixed stream: they take ns-3's next automatic streams, as any
/// earlier simulation in the process would have.
void DisturbAutomaticStreams() {
  for (int i = 0; i < 25; ++i) ns3::CreateObject<ns3::UniformRandomVariable>()->GetValue();
}

TEST(ScenarioRegistry, AllScenariosHaveACase) {
  for (const Scenario* s : Registry()) EXPECT_EQ(SmallRuns().count(s->Name()), 1u) << s->Name();
  EXPECT_EQ(SmallRuns().size(), Registry().size());
}

TEST(ScenarioRegistry, NamesAreUniqueAndFound) {
  std::set<std::string> names;
  for (const Scenario* s : Registry()) {
    EXPECT_TRUE(names.insert(s->Name()).second) << s->Name();
    EXPECT_EQ(FindScenario(s->Name()), s);
  }
  EXPECT_EQ(FindScenario("no-such-scenario"), nullptr);
}

TEST(ScenarioRegistry, EveryScenarioTakesSeedAndRunLast) {
  for (const Scenario* s : Registry()) {
    const auto& p = s->Params();
    ASSERT_GE(p.size(), 2u);
    EXPECT_EQ(p[p.size() - 2].name, "seed") << s->Name();
    EXPECT_EQ(p.back().name, "run") << s->Name();
    std::set<std::string> names;
    for (const ParamSpec& spec : p) EXPECT_TRUE(names.insert(spec.name).second) << s->Name() << " --" << spec.name;
  }
}

class EachScenario : public ::testing::TestWithParam<std::string> {
 protected:
  const Scenario& scenario() const { return *FindScenario(GetParam()); }
  const ParamValues& small() const { return SmallRuns().at(GetParam()); }
};

TEST_P(EachScenario, ProducesExactlyTheMetricsItDeclares) {
  const RunOutput out = scenario().Run(small());
  std::set<std::string> declared, produced;
  for (const MetricSpec& m : scenario().Metrics()) declared.insert(m.name);
  for (const auto& [k, v] : out.metrics.items()) produced.insert(k);
  EXPECT_EQ(declared, produced);
  std::set<std::string> files;
  for (const Table& t : out.tables) {
    files.insert(t.file);
    EXPECT_NE(t.csv.find('\n'), std::string::npos) << t.file << " has no header line";
  }
  EXPECT_EQ(files, std::set<std::string>(scenario().Files().begin(), scenario().Files().end()));
  EXPECT_GT(out.simulated_s, 0.0);
}

TEST_P(EachScenario, SameSeedAndRunSameMetricsWhateverRanBefore) {
  const RunOutput a = scenario().Run(small());
  DisturbAutomaticStreams();
  const RunOutput b = scenario().Run(small());
  EXPECT_EQ(a.metrics, b.metrics);
  ASSERT_EQ(a.tables.size(), b.tables.size());
  for (size_t i = 0; i < a.tables.size(); ++i) EXPECT_EQ(a.tables[i].csv, b.tables[i].csv) << a.tables[i].file;
}

TEST_P(EachScenario, AnotherRunOrSeedDrawsOtherNumbers) {
  const RunOutput base = scenario().Run(small());
  const RunOutput run2 = scenario().Run(With(small(), "run", 2.0));
  const RunOutput seed2 = scenario().Run(With(small(), "seed", 2.0));
  auto same = [](const RunOutput& x, const RunOutput& y) {
    if (x.metrics != y.metrics) return false;
    for (size_t i = 0; i < x.tables.size(); ++i)
      if (x.tables[i].csv != y.tables[i].csv) return false;
    return true;
  };
  EXPECT_FALSE(same(base, run2));
  EXPECT_FALSE(same(base, seed2));
}

TEST_P(EachScenario, ResolveListsEveryParameterWithTheGivenValues) {
  const auto resolved = scenario().Resolve(small());
  ASSERT_EQ(resolved.size(), scenario().Params().size());
  for (size_t i = 0; i < resolved.size(); ++i) {
    EXPECT_EQ(resolved[i].first, scenario().Params()[i].name);
    auto given = small().find(resolved[i].first);
    if (given != small().end()) EXPECT_EQ(resolved[i].second, given->second) << resolved[i].first;
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EachScenario,
                         ::testing::Values("group-rekey", "sidelink-prr", "offnet-group-call", "offnet-private-call",
                                           "on-off-transition"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace mcx::scenarios
