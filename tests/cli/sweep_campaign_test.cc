// `mcxsim sweep` through the real binary on real simulations (the group-call scenario, whose
// replications differ): a campaign runs in parallel, resumes after a deleted and a failed run
// running only those, exports numbers that match a hand computation from its own per-run rows,
// refuses results of another version unless told, ends cleanly on SIGINT and resumes, and its
// emitted command lines run under GNU parallel with a job log and are collected.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "mcx/sim/sweep/campaign_db.h"
#include "tests/support/cli_runner.h"

namespace mcx::test {
namespace {

namespace fs = std::filesystem;

using Row = std::map<std::string, std::string>;

std::vector<Row> ReadCsv(const std::string& path) {
  std::istringstream in(Slurp(path));
  std::vector<std::string> header;
  std::vector<Row> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream l(line);
    for (std::string c; std::getline(l, c, ',');) cells.push_back(c);
    if (line.back() == ',') cells.emplace_back();
    if (header.empty()) {
      header = cells;
      continue;
    }
    Row r;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) r[header[i]] = cells[i];
    rows.push_back(std::move(r));
  }
  return rows;
}

std::map<std::string, size_t> Status(const std::string& dir) {
  std::map<std::string, size_t> n;
  for (const auto& [id, r] : sim::sweep::CampaignDb(dir + "/campaign.sqlite").Runs()) ++n[r.status];
  return n;
}

class Sweep : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mcx-sweep-XXXXXX";
    dir_ = mkdtemp(tmpl);
    // Two points (3 and 4 members), three replications each: six 10-second group calls.
    fs::copy_file(MCX_SMALL_SWEEP, dir_ + "/calls.toml");
  }
  void TearDown() override { fs::remove_all(dir_); }
  CliRun Mcxsim(const std::string& args) { return RunMcxsim(args, dir_); }
  std::string Campaign() const { return dir_ + "/c"; }

  std::string dir_;
};

TEST_F(Sweep, ResumesAfterADeletedAndAFailedRunAndExportsWhatAHandComputes) {
  const std::string sweep = dir_ + "/calls.toml --dir " + Campaign();
  CliRun r = Mcxsim("sweep " + sweep + " --jobs 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("group-call, 2 points x 3 runs = 6 runs; 6 to do"), std::string::npos) << r.err;
  EXPECT_EQ(Status(Campaign()), (std::map<std::string, size_t>{{"completed", 6}}));

  // The same command again runs nothing.
  r = Mcxsim("sweep " + sweep);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("6 runs; 0 to do"), std::string::npos) << r.err;

  // One run's folder deleted, then a run with a binary that fails: only that run, which fails and
  // is recorded with its exit status.
  auto folders = fs::directory_iterator(Campaign() + "/runs");
  const std::string deleted = folders->path().filename();
  fs::remove_all(folders->path());
  r = Mcxsim("sweep " + sweep + " --mcxsim /bin/false");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("1 to do"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 runs failed"), std::string::npos) << r.err;
  const auto rows = sim::sweep::CampaignDb(Campaign() + "/campaign.sqlite").Runs();
  EXPECT_EQ(rows.at(deleted).status, "failed");
  EXPECT_EQ(rows.at(deleted).exit_code, 1);

  r = Mcxsim("sweep status " + Campaign());
  EXPECT_NE(r.out.find("completed         5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed            1"), std::string::npos) << r.out;

  // The real binary: the failed run, and only it.
  r = Mcxsim("sweep " + sweep);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("6 runs; 1 to do"), std::string::npos) << r.err;
  EXPECT_EQ(Status(Campaign()), (std::map<std::string, size_t>{{"completed", 6}}));

  // Export: six rows, and per point the mean, sd and Student interval of a metric that varies
  // between replications, computed here from the rows.
  r = Mcxsim("sweep export " + Campaign());
  ASSERT_EQ(r.status, 0) << r.err;
  const auto runs = ReadCsv(Campaign() + "/export/runs.csv");
  ASSERT_EQ(runs.size(), 6u);
  std::map<std::string, std::vector<double>> frames;  // by members
  for (const Row& row : runs) {
    EXPECT_EQ(row.at("status"), "completed");
    EXPECT_EQ(row.at("seed"), "11");
    EXPECT_EQ(row.at("duration"), "10");
    frames[row.at("members")].push_back(std::stod(row.at("voice_frames_received")));
  }
  ASSERT_EQ(frames.size(), 2u);
  bool varies = false;
  const double t_975_2 = 4.302652729911275;  // Student's t, 0.975 quantile, 2 degrees of freedom
  for (const Row& a : ReadCsv(Campaign() + "/export/aggregated.csv")) {
    if (a.at("metric") != "voice_frames_received") continue;
    const auto& v = frames.at(a.at("members"));
    ASSERT_EQ(v.size(), 3u);
    const double mean = (v[0] + v[1] + v[2]) / 3;
    const double sd = std::sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) +
                                 (v[2] - mean) * (v[2] - mean)) / 2);
    varies |= sd > 0;
    EXPECT_EQ(a.at("n"), "3");
    EXPECT_NEAR(std::stod(a.at("mean")), mean, 1e-9);
    EXPECT_NEAR(std::stod(a.at("sd")), sd, 1e-9);
    // GSL's quantile is good to about 1e-10 relative.
    const double half = t_975_2 * sd / std::sqrt(3.0);
    EXPECT_NEAR(std::stod(a.at("ci95_half")), half, 1e-9 * half);
    EXPECT_NEAR(std::stod(a.at("ci95_low")), mean - half, 1e-9 * half);
    EXPECT_NEAR(std::stod(a.at("ci95_high")), mean + half, 1e-9 * half);
    frames.erase(a.at("members"));
  }
  EXPECT_TRUE(frames.empty()) << "a point is missing from aggregated.csv";
  EXPECT_TRUE(varies) << "the replications did not differ: the interval was not tested";

  // The plot from the campaign draws the exported numbers: mean and 95 % interval per point.
  const std::string png = dir_ + "/frames.png";
  r = Mcxsim("plot " + Campaign() + " --x members --y voice_frames_received --out " + png);
  ASSERT_EQ(r.status, 0) << r.err;
  std::string expected = "# voice_frames_received\n";
  for (const Row& a : ReadCsv(Campaign() + "/export/aggregated.csv"))
    if (a.at("metric") == "voice_frames_received") {
      char line[160];
      std::snprintf(line, sizeof line, "%s %.10g %.10g %.10g\n", a.at("members").c_str(), std::stod(a.at("mean")),
                    std::stod(a.at("ci95_low")), std::stod(a.at("ci95_high")));
      expected += line;
    }
  EXPECT_EQ(Slurp(png + ".dat"), expected + "\n\n");
  EXPECT_EQ(Slurp(png).substr(1, 3), "PNG");
  // One series per value of a parameter; the CDF of a per-event column pooled over the runs.
  r = Mcxsim("plot " + Campaign() + " --cdf floor_events.csv:access_ms --series members --out " + dir_ + "/cdf.svg");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string cdf = Slurp(dir_ + "/cdf.svg.dat");
  EXPECT_EQ(cdf.rfind("# members=3\n", 0), 0u) << cdf;
  EXPECT_NE(cdf.find("# members=4\n"), std::string::npos);
  size_t events = 0;
  for (const auto& run : fs::directory_iterator(Campaign() + "/runs"))
    events += ReadCsv(run.path() / "floor_events.csv").size();
  EXPECT_EQ(static_cast<size_t>(std::count(cdf.begin(), cdf.end(), '\n')), events + 2 * 3 + 2);  // + a 0 step, header, 2 blanks
  // A parameter that differs but is neither x nor a series is refused.
  r = Mcxsim("plot " + Campaign() + " --x duration --y voice_frames_received --out " + png);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("members differs between the points"), std::string::npos) << r.err;
}

TEST_F(Sweep, RefusesResultsOfAnotherVersionUnlessTold) {
  const std::string sweep = dir_ + "/calls.toml --dir " + Campaign();
  ASSERT_EQ(Mcxsim("sweep " + sweep).status, 0);
  sim::sweep::CampaignDb(Campaign() + "/campaign.sqlite").Set("git_commit", "0123456789ab");
  CliRun r = Mcxsim("sweep " + sweep);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("was started by mcxsim 0.1.0 (commit 0123456789ab)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--allow-version-mix"), std::string::npos) << r.err;
  EXPECT_EQ(Mcxsim("sweep " + sweep + " --allow-version-mix").status, 0);

  // A run made elsewhere by another build (its run_info.json says so) is refused by collect too.
  sim::sweep::CampaignDb(Campaign() + "/campaign.sqlite").Set("git_commit", "0123456789ab");
  const fs::path folder = fs::directory_iterator(Campaign() + "/runs")->path();
  auto info = nlohmann::json::parse(Slurp(folder / "run_info.json"));
  info["git_commit"] = "fedcba987654";
  std::ofstream(folder / "run_info.json") << info.dump();
  r = Mcxsim("sweep collect " + Campaign());
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("run " + folder.filename().string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is mcxsim 0.1.0 (commit fedcba987654)"), std::string::npos) << r.err;
  ASSERT_EQ(Mcxsim("sweep collect " + Campaign() + " --allow-version-mix").status, 0);
  EXPECT_EQ(sim::sweep::CampaignDb(Campaign() + "/campaign.sqlite").Runs().at(folder.filename()).git_commit, "fedcba987654");
}

TEST_F(Sweep, AnotherSweepFileKeepsTheFinishedRunsAndTheEarlierTextAndSaysSo) {
  const std::string sweep = dir_ + "/calls.toml --dir " + Campaign();
  ASSERT_EQ(Mcxsim("sweep " + sweep).status, 0);
  const size_t done = Status(Campaign()).at("completed");
  const std::string before = Slurp(dir_ + "/calls.toml");
  std::ofstream(dir_ + "/calls.toml") << before << "\n# changed: the same points\n";
  const CliRun r = Mcxsim("sweep " + sweep);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("last ran another sweep file; its finished runs are kept"), std::string::npos) << r.err;
  EXPECT_EQ(Status(Campaign()).at("completed"), done);  // nothing ran again, nothing was dropped
  sim::sweep::CampaignDb db(Campaign() + "/campaign.sqlite");
  const auto at = r.err.find("as sweep_before_");
  ASSERT_NE(at, std::string::npos);
  const std::string key = r.err.substr(at + 3, r.err.find('\n', at) - at - 3);
  EXPECT_EQ(db.Get(key).value_or(""), before);
  // The same file again: no notice.
  EXPECT_EQ(Mcxsim("sweep " + sweep).err.find("another sweep file"), std::string::npos);
}

TEST_F(Sweep, SlurmIsRefusedACampaignPathAnSbatchLineCannotCarry) {
  // sbatch splits #SBATCH lines at blanks and expands % in --output.
  for (const std::string bad : {"/c d", "/c%a"}) {
    const CliRun r = Mcxsim("sweep " + dir_ + "/calls.toml --dir '" + dir_ + bad + "' --emit slurm");
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_NE(r.err.find("that an #SBATCH line cannot carry"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ + bad + "/slurm")) << bad;
  }
  EXPECT_EQ(Mcxsim("sweep " + dir_ + "/calls.toml --dir " + Campaign() + " --emit slurm").status, 0);
}

TEST_F(Sweep, SigintEndsCleanlyAndTheSameCommandResumes) {
  std::ofstream(dir_ + "/long.toml") << "scenario = \"group-call\"\nruns = 4\n[grid]\nmembers = [10]\n";
  const std::string sweep = dir_ + "/long.toml --dir " + Campaign() + " --jobs 1";
  // SIGINT once the first run has started.
  const std::string cmd = std::string("( ") + MCXSIM_BIN + " sweep " + sweep + " 2>" + dir_ + "/err & pid=$!; " +
                          "i=0; while { [ ! -d " + Campaign() + "/runs ] || [ -z \"$(ls " + Campaign() +
                          "/runs)\" ]; } && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; " +
                          "sleep 0.2; kill -INT $pid; wait $pid; echo $? > " + dir_ + "/rc )";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(Slurp(dir_ + "/rc"), "130\n") << Slurp(dir_ + "/err");
  EXPECT_NE(Slurp(dir_ + "/err").find("interrupted"), std::string::npos);
  auto n = Status(Campaign());
  EXPECT_EQ(n["interrupted"], 1u) << "the run in flight is recorded as interrupted";
  EXPECT_LT(n["completed"], 4u);
  const CliRun r = Mcxsim("sweep " + sweep);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Status(Campaign()), (std::map<std::string, size_t>{{"completed", 4}}));
}

TEST_F(Sweep, EmittedCommandsRunUnderGnuParallelAndAreCollected) {
  const std::string sweep = dir_ + "/calls.toml --dir " + Campaign();
  CliRun r = Mcxsim("sweep " + sweep + " --emit parallel");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("6 of 6 runs to do"), std::string::npos) << r.out;
  const fs::path commands = fs::directory_iterator(Campaign() + "/parallel")->path();
  EXPECT_EQ(std::count(std::istreambuf_iterator<char>(*std::make_unique<std::ifstream>(commands)), {}, '\n'), 6);
  const std::string joblog = dir_ + "/joblog";
  const std::string parallel = "parallel --will-cite --jobs 2 --joblog " + joblog + " --resume-failed < " +
                               commands.string() + " > /dev/null 2>&1";
  // Stopped after the first two succeed (as a lost host would), then resumed by the same line.
  std::system(("parallel --will-cite --jobs 1 --halt now,success=2 --joblog " + joblog + " < " + commands.string() +
               " > /dev/null 2>&1").c_str());
  r = Mcxsim("sweep collect " + Campaign());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Status(Campaign()).at("completed"), 2u) << r.out;
  ASSERT_EQ(std::system(parallel.c_str()), 0);
  r = Mcxsim("sweep collect " + Campaign());
  EXPECT_NE(r.out.find("collected 4 runs"), std::string::npos) << r.out;
  EXPECT_EQ(Status(Campaign()), (std::map<std::string, size_t>{{"completed", 6}}));
  // The job log names every command once it succeeded; resuming again runs nothing.
  ASSERT_EQ(std::system(parallel.c_str()), 0);
  EXPECT_NE(Mcxsim("sweep collect " + Campaign()).out.find("collected 0 runs"), std::string::npos);
  r = Mcxsim("sweep " + sweep + " --emit parallel");
  EXPECT_NE(r.out.find("all 6 runs are done"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mcx::test
