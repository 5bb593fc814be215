// The sweep file and the statistics, in process: what a sweep file may say and the error for
// each thing it may not (bad names, bad types, empty grids, unequal lists that vary together,
// unknown keys), the grid's expansion and the runs' stable ids, and the aggregated statistics
// against a hand computation.
#include <gtest/gtest.h>

#include <cmath>

#include "mcx/sim/sweep/sweep_spec.h"
#include "mcx/sim/sweep/sweep_stats.h"

namespace mcx::sim::sweep {
namespace {

SweepSpec Parsed(const std::string& text) {
  auto r = ParseSweep(text, "t.toml");
  if (auto* why = std::get_if<std::string>(&r)) ADD_FAILURE() << *why;
  return std::get<SweepSpec>(r);
}

std::string ParseError(const std::string& text) {
  auto r = ParseSweep(text, "t.toml");
  if (std::holds_alternative<SweepSpec>(r)) return "(parsed)";
  return std::get<std::string>(r);
}

std::string CheckError(const std::string& text) {
  auto why = CheckSweep(Parsed(text));
  return why ? *why : "(accepted)";
}

TEST(SweepFile, GridTogetherFixedAndRangesExpandFirstAxisSlowest) {
  const SweepSpec s = Parsed(R"(
scenario = "group-rekey"
runs = 3
seed = 5
[fixed]
access = "ideal"
sip-tcp = true
[grid]
members = { from = 10, to = 1000, times = 10 }
transport = ["sip", "http"]
[[together]]
core-delay-ms = [1, 5.5]
access-delay-ms = { from = 1.5, to = 2, step = 0.5 }
)");
  EXPECT_EQ(s.scenario, "group-rekey");
  EXPECT_EQ(s.runs, 3u);
  EXPECT_EQ(s.seed, 5u);
  ASSERT_EQ(s.axes.size(), 3u);
  EXPECT_EQ(s.axes[0].values, (std::vector<std::vector<std::string>>{{"10"}, {"100"}, {"1000"}}));
  // A TOML table has no order: its keys come alphabetically.
  EXPECT_EQ(s.axes[2].params, (std::vector<std::string>{"access-delay-ms", "core-delay-ms"}));
  EXPECT_EQ(s.axes[2].values, (std::vector<std::vector<std::string>>{{"1.5", "1"}, {"2", "5.5"}}));
  EXPECT_EQ(CheckSweep(s), std::nullopt);

  const auto points = ExpandPoints(s);
  ASSERT_EQ(points.size(), 3u * 2 * 2);
  EXPECT_EQ(points[0].params, (std::vector<ParamText>{{"access", "ideal"}, {"sip-tcp", "true"}, {"members", "10"},
                                                       {"transport", "sip"}, {"access-delay-ms", "1.5"},
                                                       {"core-delay-ms", "1"}}));
  EXPECT_EQ(points[1].params[5].second, "5.5");    // the last axis varies fastest
  EXPECT_EQ(points[2].params[3].second, "http");
  EXPECT_EQ(points[4].params[2].second, "100");    // the first slowest

  const auto runs = PlanRuns(s, points);
  ASSERT_EQ(runs.size(), 36u);
  EXPECT_EQ(runs[0].args, (std::vector<std::string>{"--access", "ideal", "--sip-tcp", "--members", "10", "--transport",
                                                    "sip", "--access-delay-ms", "1.5", "--core-delay-ms", "1", "--seed",
                                                    "5", "--run", "1"}));
  EXPECT_EQ(runs[2].run, 3u);
  std::set<std::string> ids;
  for (const auto& r : runs) ids.insert(r.id);
  EXPECT_EQ(ids.size(), runs.size());
}

TEST(SweepFile, RunIdsStayWhenTheGridGrowsAndChangeWithSeedOrRun) {
  const std::string head = "scenario = \"group-rekey\"\nruns = 2\n[grid]\n";
  const auto small = PlanRuns(Parsed(head + "members = [3, 6]\n"), ExpandPoints(Parsed(head + "members = [3, 6]\n")));
  const SweepSpec big_spec = Parsed(head + "members = [1, 3, 4, 6]\n");
  const auto big = PlanRuns(big_spec, ExpandPoints(big_spec));
  std::set<std::string> big_ids;
  for (const auto& r : big) big_ids.insert(r.id);
  for (const auto& r : small) EXPECT_TRUE(big_ids.count(r.id)) << "run " << r.id << " changed its id";
  const SweepSpec other_seed = Parsed("seed = 2\n" + head + "members = [3, 6]\n");
  EXPECT_NE(PlanRuns(other_seed, ExpandPoints(other_seed))[0].id, small[0].id);
  EXPECT_NE(small[0].id, small[1].id);  // run 1 and run 2 of one point
}

TEST(SweepFile, RangesAreCountedNotSummed) {
  const SweepSpec s = Parsed(R"(
scenario = "group-rekey"
[grid]
core-delay-ms = { from = -10, to = -2, step = 2 }
access-delay-ms = { from = 0.1, to = 0.3, step = 0.1 }
)");
  EXPECT_EQ(s.axes[0].values, (std::vector<std::vector<std::string>>{{"0.1"}, {"0.2"}, {"0.3"}}));
  EXPECT_EQ(s.axes[1].values, (std::vector<std::vector<std::string>>{{"-10"}, {"-8"}, {"-6"}, {"-4"}, {"-2"}}));
  // Values from the file keep every digit.
  EXPECT_EQ(Parsed("scenario = \"group-rekey\"\n[grid]\nsip-t1 = [0.1234567890123, 2]\n").axes[0].values[0][0],
            "0.1234567890123");
}

TEST(SweepFile, FalseFlagIsLeftOutAndTrueIsGiven) {
  const SweepSpec s = Parsed("scenario = \"group-rekey\"\n[grid]\nsip-tcp = [false, true]\n");
  EXPECT_EQ(CheckSweep(s), std::nullopt);
  const auto runs = PlanRuns(s, ExpandPoints(s));
  EXPECT_EQ(runs[0].args, (std::vector<std::string>{"--seed", "1", "--run", "1"}));
  EXPECT_EQ(runs[1].args, (std::vector<std::string>{"--sip-tcp", "--seed", "1", "--run", "1"}));
}

TEST(SweepFile, EachMistakeIsNamed) {
  const std::string s = "scenario = \"group-rekey\"\n";
  EXPECT_EQ(ParseError("runs = 2\n"), "t.toml: no 'scenario' (mcxsim list names them)");
  EXPECT_EQ(ParseError(s + "[grid]\nmembers = []\n"),
            "t.toml: grid.members (line 3): an empty list (a parameter on the grid takes at least one value)");
  EXPECT_EQ(ParseError(s + "runs = 0\n"), "t.toml: runs (line 2): a whole number from 1 to 100000");
  EXPECT_EQ(ParseError(s + "runs = 2.5\n"), "t.toml: runs (line 2): a whole number from 1 to 100000");
  EXPECT_EQ(ParseError(s + "runs = 4294967295\n"), "t.toml: runs (line 2): a whole number from 1 to 100000");
  EXPECT_EQ(ParseError(s + "[grid]\nsip-tcp = [true, \"yes\"]\n"),
            "t.toml: grid.sip-tcp (line 3): a list mixes true/false with other values");
  EXPECT_EQ(ParseError(s + "[fixed]\nkeys = \"a\\nb\"\n"),
            "t.toml: fixed.keys (line 3): a text with a control character (a line break would split the emitted command lines)");
  EXPECT_EQ(ParseError(s + "replications = 3\n"),
            "t.toml: 'replications' (line 2) is not a sweep key (scenario, runs, seed, directory, [fixed], [grid], "
            "[[together]])");
  EXPECT_EQ(ParseError(s + "[grid]\nseed = [1, 2]\n"),
            "t.toml: grid.seed: --seed is set by the sweep (top-level 'seed', and 'runs' replications)");
  EXPECT_EQ(ParseError(s + "[fixed]\nout = \"x\"\n"), "t.toml: fixed.out: --out is set by the sweep (runs/<id> in the campaign directory)");
  EXPECT_EQ(ParseError(s + "[fixed]\nmembers = 3\n[grid]\nmembers = [4, 5]\n"),
            "t.toml: grid.members: parameter 'members' is given twice");
  EXPECT_EQ(ParseError(s + "[[together]]\nmembers = [1, 2]\ngroups = [1, 2, 3]\n"),
            "t.toml: together.members (line 3): 2 values, but groups has 3 (parameters that vary together have as "
            "many values)");
  EXPECT_EQ(ParseError(s + "[grid]\nmembers = { from = 5, to = 1, step = 1 }\n"),
            "t.toml: grid.members (line 3): 'to' is below 'from'");
  EXPECT_EQ(ParseError(s + "[grid]\nmembers = { from = 1, to = 5, step = 0 }\n"), "t.toml: grid.members (line 3): step is above 0");
  EXPECT_EQ(ParseError(s + "[grid]\nmembers = { from = 1, to = 5 }\n"),
            "t.toml: grid.members (line 3): a range has either 'step' or 'times'");
  EXPECT_EQ(ParseError(s + "[grid]\nmembers = { from = 1, to = 1e9, step = 1 }\n"),
            "t.toml: grid.members (line 3): the range has more than 10000 steps");
  EXPECT_EQ(ParseError(s + "[grid]\nmembers = [[1, 2]]\n"),
            "t.toml: grid.members (line 3): a value is a number, a text or true/false, not a list");
  EXPECT_EQ(ParseError(s + "[grid\n"), "t.toml:2: Error while parsing table header: expected ']', saw '\\n'");
  // Checked against the scenario's declaration.
  EXPECT_EQ(CheckError("scenario = \"no-such\"\n"), "no scenario 'no-such' (mcxsim list)");
  EXPECT_EQ(CheckError(s + "[grid]\nmembrs = [1, 2]\n"), "group-rekey has no parameter 'membrs' (mcxsim describe group-rekey)");
  EXPECT_EQ(CheckError(s + "[grid]\nmembers = [1, \"ten\"]\n"), "--members is a whole number from 1 to 100000, not 'ten'");
  EXPECT_EQ(CheckError(s + "[grid]\nmembers = [1, 2.5]\n"), "--members is a whole number from 1 to 100000, not '2.5'");
  EXPECT_EQ(CheckError(s + "[grid]\naccess = [\"lte\", \"wifi\"]\n"), "--access is one of lte, ideal, not 'wifi'");
  EXPECT_EQ(CheckError(s + "[fixed]\nsip-tcp = \"yes\"\n"), "--sip-tcp is a flag: give it as true or false");
  EXPECT_EQ(CheckError(s + "[fixed]\nmembers = true\n"), "--members takes a value, not true/false");
  EXPECT_EQ(CheckError(s + "[grid]\nmembers = [3, 3]\n"), "the point members=3 comes twice (a value given twice on the grid)");
  EXPECT_EQ(CheckError(s + "runs = 100000\n[grid]\nmembers = { from = 1, to = 20, step = 1 }\n"),
            "the grid times the runs makes more than 1000000 runs");
}

TEST(SweepStats, MeanDeviationAndStudentInterval) {
  // Hand computation: mean 2.5, sd = sqrt(5/3) = 1.2909944, t(0.975, 3) = 3.1824463,
  // half-width = 3.1824463 * 1.2909944 / 2 = 2.0542603.
  const Aggregate a = Summarize({1, 2, 3, 4});
  EXPECT_EQ(a.n, 4u);
  EXPECT_DOUBLE_EQ(a.mean, 2.5);
  EXPECT_NEAR(*a.sd, 1.2909944487, 1e-9);
  EXPECT_NEAR(*a.ci95_half, 2.0542603, 1e-6);
  // Two values: t(0.975, 1) = 12.7062047.
  const Aggregate b = Summarize({10, 12});
  EXPECT_NEAR(*b.ci95_half, 12.7062047 * std::sqrt(2.0) / std::sqrt(2.0), 1e-6);
  // One value: a mean, no spread.
  const Aggregate c = Summarize({7});
  EXPECT_EQ(c.n, 1u);
  EXPECT_EQ(c.sd, std::nullopt);
  EXPECT_EQ(c.ci95_half, std::nullopt);
}

TEST(SweepStats, MetricsFlattenToDottedColumns) {
  const auto cells = FlattenMetrics(nlohmann::json::parse(
      R"({"a": {"p50": 1.5, "count": 3}, "ok": true, "who": "gms", "none": null, "list": [1, 2]})"));
  EXPECT_EQ(cells.at("a.p50").text, "1.5");
  EXPECT_EQ(*cells.at("a.count").number, 3.0);
  EXPECT_EQ(cells.at("ok").text, "1");
  EXPECT_EQ(cells.at("who").number, std::nullopt);
  EXPECT_EQ(cells.at("none").text, "");
  EXPECT_EQ(cells.count("list"), 0u);
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"x\""), "\"say \"\"x\"\"\"");
}

}  // namespace
}  // namespace mcx::sim::sweep
