#include "mcx/sim/sweep/campaign.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "mcx/sim/cli_args.h"
#include "mcx/sim/sweep/sweep_stats.h"
#include "mcx/sim/version.h"

namespace mcx::sim::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kDbFile = "campaign.sqlite";

bool Done(const std::string& status) { return status == "completed" || status == "nothing_happened"; }

std::string IsoUtc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The last lines of a run's log: why it failed, for the database and the progress output.
std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const auto size = static_cast<size_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(static_cast<std::streamoff>(size > bytes ? size - bytes : 0));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

SweepSpec ParsedOrThrow(const std::string& text, const std::string& source) {
  auto parsed = ParseSweep(text, source);
  if (auto* why = std::get_if<std::string>(&parsed)) throw UsageError(*why);
  SweepSpec spec = std::get<SweepSpec>(std::move(parsed));
  if (auto why = CheckSweep(spec)) throw UsageError(source + ": " + *why);
  return spec;
}

// What a run's folder says about it, compared with its row.
bool SameRun(const RunRecord& a, const RunRecord& b) {
  return a.status == b.status && a.finished_at == b.finished_at && a.metrics_json == b.metrics_json &&
         a.mcxsim_version == b.mcxsim_version && a.git_commit == b.git_commit && a.wall_s == b.wall_s &&
         a.simulated_s == b.simulated_s;
}

// Absolute, so the commands it writes work from any directory and on other machines.
std::string AbsoluteDir(const std::string& dir) {
  std::string d = fs::absolute(dir).lexically_normal().string();
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d;
}

}  // namespace

Campaign::Campaign(std::string dir, std::string sweep_text, SweepSpec spec, bool allow_version_mix)
    : dir_(AbsoluteDir(dir)),
      sweep_text_(std::move(sweep_text)),
      spec_(std::move(spec)),
      allow_version_mix_(allow_version_mix),
      points_(ExpandPoints(spec_)),
      plan_(PlanRuns(spec_, points_)) {}

Campaign::~Campaign() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

std::unique_ptr<Campaign> Campaign::Start(const std::string& dir, const std::string& sweep_text,
                                          bool allow_version_mix) {
  SweepSpec spec = ParsedOrThrow(sweep_text, "sweep file");
  std::error_code ec;
  fs::create_directories(dir + "/runs", ec);
  if (!ec) fs::create_directories(dir + "/logs", ec);
  if (ec) throw std::runtime_error("cannot create the campaign directory " + dir + ": " + ec.message());
  std::unique_ptr<Campaign> c(new Campaign(dir, sweep_text, std::move(spec), allow_version_mix));
  // One sweep at a time runs or emits a campaign (two would run the same runs into one folder).
  c->lock_fd_ = open((dir + "/campaign.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (c->lock_fd_ < 0 || flock(c->lock_fd_, LOCK_EX | LOCK_NB) != 0)
    throw UsageError("another mcxsim sweep is working on " + dir + " (campaign.lock)");
  c->db_ = std::make_unique<CampaignDb>(dir + "/" + kDbFile);
  CampaignDb& db = *c->db_;
  if (auto scenario = db.Get("scenario"); scenario && *scenario != c->spec_.scenario)
    throw UsageError(dir + " holds a campaign of " + *scenario + ", not " + c->spec_.scenario +
                     " (one campaign directory per scenario)");
  if (db.Get("mcxsim_version")) {
    c->CheckVersion(kVersion, kGitCommit, "this mcxsim");
  } else {
    db.Set("mcxsim_version", kVersion);
    db.Set("git_commit", kGitCommit);
    db.Set("created", IsoUtc(std::time(nullptr)));
  }
  db.Set("scenario", c->spec_.scenario);
  if (auto before = db.Get("sweep"); before && *before != sweep_text) {
    // Another sweep file: nothing is lost, the earlier text is kept beside the new one.
    c->replaced_key_ = "sweep_before_" + IsoUtc(std::time(nullptr));
    db.Set(*c->replaced_key_, *before);
  }
  db.Set("sweep", sweep_text);
  return c;
}

std::unique_ptr<Campaign> Campaign::Open(const std::string& dir, bool allow_version_mix) {
  if (!fs::exists(dir + "/" + kDbFile)) throw UsageError(dir + " is no campaign directory (no " + kDbFile + ")");
  auto db = std::make_unique<CampaignDb>(dir + "/" + kDbFile);
  auto text = db->Get("sweep");
  if (!text) throw std::runtime_error(dir + "/" + kDbFile + " holds no sweep");
  std::unique_ptr<Campaign> c(new Campaign(dir, *text, ParsedOrThrow(*text, dir + " (its sweep)"), allow_version_mix));
  c->db_ = std::move(db);
  return c;
}

void Campaign::CheckVersion(const std::string& version, const std::string& commit, const std::string& what) const {
  const std::string v = db_->Get("mcxsim_version").value_or(""), g = db_->Get("git_commit").value_or("");
  if ((version == v && commit == g) || allow_version_mix_) return;
  throw VersionMismatch("the campaign in " + dir_ + " was started by mcxsim " + v + " (commit " + g + "); " + what +
                        " is mcxsim " + version + " (commit " + commit +
                        "): its results would not be comparable (--allow-version-mix to mix them anyway, or a new "
                        "campaign directory)");
}

std::vector<std::string> Campaign::Command(const PlannedRun& r, const std::string& mcxsim) const {
  std::vector<std::string> argv{mcxsim, "run", spec_.scenario};
  argv.insert(argv.end(), r.args.begin(), r.args.end());
  // --allow-empty: a run with nothing to measure is a result (recorded as nothing_happened), not
  // a failure for GNU parallel's --resume-failed or a Slurm task's exit status.
  // --threads 1: a campaign spreads its runs over the cores (--jobs, GNU parallel, the job
  // array), so each run computes on one thread (the results are the same for any number; a sweep
  // file names scenario parameters only, so r.args holds no --threads).
  argv.insert(argv.end(), {"--out", RunDir(r), "--threads", "1", "--quiet", "--force", "--allow-empty"});
  return argv;
}

RunRecord Campaign::Skeleton(const PlannedRun& r) const {
  RunRecord rec;
  rec.id = r.id;
  rec.point = r.point;
  rec.run = r.run;
  rec.seed = spec_.seed;
  json params = json::object();
  for (const auto& [name, text] : points_[r.point].params) params[name] = text;
  rec.params_json = params.dump();
  return rec;
}

std::optional<RunRecord> Campaign::FromFolder(const PlannedRun& r) const {
  const std::string folder = RunDir(r);
  json info, summary;
  try {
    info = json::parse(ReadFileOrStdin(folder + "/run_info.json"));
    summary = json::parse(ReadFileOrStdin(folder + "/summary.json"));
  } catch (const std::exception&) {
    return std::nullopt;  // not (or not yet) finished
  }
  RunRecord rec = Skeleton(r);
  rec.status = info.value("status", "completed");
  // What `mcxsim run` exits with for each (a run collected from elsewhere has no process here).
  rec.exit_code = rec.status == "nothing_happened" ? 3 : rec.status == "interrupted" ? 130 : 0;
  rec.mcxsim_version = info.value("mcxsim_version", "");
  rec.git_commit = info.value("git_commit", "");
  rec.wall_s = info.value("wall_clock_s", 0.0);
  rec.simulated_s = info.value("simulated_s", 0.0);
  rec.metrics_json = summary.value("metrics", json::object()).dump();
  struct stat st {};
  rec.finished_at = stat((folder + "/run_info.json").c_str(), &st) == 0 ? IsoUtc(st.st_mtime) : "";
  return rec;
}

CollectCounts Campaign::Collect() {
  CollectCounts counts;
  const auto rows = db_->Runs();
  std::vector<RunRecord> fresh;
  for (const PlannedRun& r : plan_) {
    auto rec = FromFolder(r);
    if (!rec) {
      ++counts.unfinished;
      continue;
    }
    auto it = rows.find(r.id);
    if (it != rows.end() && SameRun(it->second, *rec)) continue;
    CheckVersion(rec->mcxsim_version, rec->git_commit, "run " + r.id + " (" + RunDir(r) + ")");
    fresh.push_back(std::move(*rec));
  }
  db_->Exec("BEGIN");
  for (const RunRecord& rec : fresh) db_->Put(rec);
  db_->Exec("COMMIT");
  counts.loaded = fresh.size();
  return counts;
}

RunRecord Campaign::Record(const PlannedRun& r, int exit_code) const {
  if (auto rec = FromFolder(r)) {
    rec->exit_code = exit_code;
    try {
      CheckVersion(rec->mcxsim_version, rec->git_commit, "the binary that ran it (--mcxsim)");
    } catch (const VersionMismatch& e) {
      rec->status = "failed";
      rec->error = e.what();
    }
    return *rec;
  }
  RunRecord rec = Skeleton(r);
  rec.status = exit_code == -SIGINT || exit_code == -SIGTERM ? "interrupted" : "failed";
  rec.exit_code = exit_code;
  rec.mcxsim_version = kVersion;
  rec.git_commit = kGitCommit;
  rec.error = Tail(LogPath(r), 600);
  if (exit_code < 0) rec.error += (rec.error.empty() ? "" : "\n") + std::string("killed by signal ") + std::to_string(-exit_code);
  rec.finished_at = IsoUtc(std::time(nullptr));
  return rec;
}

std::vector<const PlannedRun*> Campaign::Missing() const {
  const auto rows = db_->Runs();
  std::vector<const PlannedRun*> out;
  for (const PlannedRun& r : plan_) {
    auto it = rows.find(r.id);
    if (it == rows.end() || !Done(it->second.status) || !fs::exists(RunDir(r) + "/summary.json")) out.push_back(&r);
  }
  return out;
}

std::vector<std::map<std::string, std::vector<double>>> Campaign::CompletedValues() const {
  const auto rows = db_->Runs();
  std::vector<std::map<std::string, std::vector<double>>> values(points_.size());
  for (const PlannedRun& r : plan_) {
    auto it = rows.find(r.id);
    if (it == rows.end() || it->second.status != "completed" || it->second.metrics_json.empty()) continue;
    for (const auto& [name, cell] : FlattenMetrics(json::parse(it->second.metrics_json)))
      if (cell.number) values[r.point][name].push_back(*cell.number);
  }
  return values;
}

std::vector<std::string> Campaign::CompletedRunDirs(size_t point) const {
  const auto rows = db_->Runs();
  std::vector<std::string> dirs;
  for (const PlannedRun& r : plan_) {
    auto it = rows.find(r.id);
    if (r.point == point && it != rows.end() && it->second.status == "completed") dirs.push_back(RunDir(r));
  }
  return dirs;
}

void Campaign::Export(const std::string& out_dir) const {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + out_dir + ": " + ec.message());
  const auto rows = db_->Runs();
  std::vector<std::string> param_names;
  for (const auto& [name, text] : points_.front().params) param_names.push_back(name);

  // Every metric column any recorded run has.
  std::vector<std::pair<const PlannedRun*, std::map<std::string, Cell>>> recorded;
  std::set<std::string> metric_names;
  for (const PlannedRun& r : plan_) {
    auto it = rows.find(r.id);
    if (it == rows.end()) continue;
    auto cells = it->second.metrics_json.empty() ? std::map<std::string, Cell>{}
                                                 : FlattenMetrics(json::parse(it->second.metrics_json));
    for (const auto& [name, cell] : cells) metric_names.insert(name);
    recorded.emplace_back(&r, std::move(cells));
  }

  std::string runs = "run_id,point";
  for (const auto& p : param_names) runs += "," + CsvField(p);
  runs += ",seed,run,status,exit_code,wall_s,simulated_s,mcxsim_version,git_commit";
  for (const auto& m : metric_names) runs += "," + CsvField(m);
  runs += "\n";
  for (const auto& [r, cells] : recorded) {
    const RunRecord& row = rows.at(r->id);
    runs += r->id + "," + std::to_string(r->point);
    for (const auto& [name, text] : points_[r->point].params) runs += "," + CsvField(text);
    runs += "," + std::to_string(row.seed) + "," + std::to_string(row.run) + "," + row.status + "," +
            std::to_string(row.exit_code) + "," + CsvNumber(row.wall_s) + "," + CsvNumber(row.simulated_s) + "," +
            CsvField(row.mcxsim_version) + "," + CsvField(row.git_commit);
    for (const auto& m : metric_names) {
      auto it = cells.find(m);
      runs += "," + (it == cells.end() ? std::string() : CsvField(it->second.text));
    }
    runs += "\n";
  }
  WriteFile(out_dir + "/runs.csv", runs);

  // Per point and numeric metric, over the point's completed runs.
  std::string agg = "point";
  for (const auto& p : param_names) agg += "," + CsvField(p);
  agg += ",metric,n,mean,sd,ci95_low,ci95_high,ci95_half\n";
  const auto values = CompletedValues();
  for (size_t pi = 0; pi < points_.size(); ++pi) {
    std::string head = std::to_string(pi);
    for (const auto& [name, text] : points_[pi].params) head += "," + CsvField(text);
    for (const auto& [metric, v] : values[pi]) {
      const Aggregate a = Summarize(v);
      agg += head + "," + CsvField(metric) + "," + std::to_string(a.n) + "," + CsvNumber(a.mean) + ",";
      if (a.sd)
        agg += CsvNumber(*a.sd) + "," + CsvNumber(a.mean - *a.ci95_half) + "," + CsvNumber(a.mean + *a.ci95_half) + "," +
               CsvNumber(*a.ci95_half);
      else
        agg += ",,,";
      agg += "\n";
    }
  }
  WriteFile(out_dir + "/aggregated.csv", agg);
}

}  // namespace mcx::sim::sweep
