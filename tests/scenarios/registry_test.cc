// Every registered scenario through the generic path the command line uses: what it declares is
// what it produces, and its random numbers follow ns-3's seed and run and nothing else.
#include <gtest/gtest.h>
#include <ns3/core-module.h>

#include <set>

#include "mcx/scenarios/registry/scenario.h"

namespace mcx::scenarios {
namespace {

/// The scenario's quick run (its declaration's QuickArgs), as the command line parses it.
ParamValues QuickRun(const Scenario& s) {
  ParamValues v;
  const auto& args = s.QuickArgs();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string name = args[i].substr(2);
    const ParamSpec* spec = nullptr;
    for (const ParamSpec& p : s.Params())
      if (p.name == name) spec = &p;
    if (!spec) throw std::invalid_argument(s.Name() + ": quick run has an unknown option " + args[i]);
    if (spec->type == ParamSpec::Type::kFlag) {
      v[name] = true;
      continue;
    }
    auto parsed = spec->Parse(args.at(++i));
    if (auto* why = std::get_if<std::string>(&parsed)) throw std::invalid_argument(*why);
    v[name] = std::get<ParamValue>(parsed);
  }
  return v;
}

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const Scenario* s : Registry()) names.push_back(s->Name());
  return names;
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

TEST(ScenarioRegistry, EveryScenarioDeclaresAQuickRunItAccepts) {
  for (const Scenario* s : Registry()) {
    EXPECT_FALSE(s->QuickArgs().empty()) << s->Name();
    EXPECT_NO_THROW(QuickRun(*s)) << s->Name();
    EXPECT_EQ(s->Check(QuickRun(*s)), std::nullopt) << s->Name();
  }
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
  ParamValues small() const { return QuickRun(scenario()); }
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
  const ParamValues given = small();
  const auto resolved = scenario().Resolve(given);
  ASSERT_EQ(resolved.size(), scenario().Params().size());
  for (size_t i = 0; i < resolved.size(); ++i) {
    EXPECT_EQ(resolved[i].first, scenario().Params()[i].name);
    auto it = given.find(resolved[i].first);
    if (it != given.end()) EXPECT_EQ(resolved[i].second, it->second) << resolved[i].first;
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EachScenario, ::testing::ValuesIn(ScenarioNames()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n)
    if (c == '-') c = '_';
  return n;
});

}  // namespace
}  // namespace mcx::scenarios
