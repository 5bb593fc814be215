// A campaign's database (SQLite, campaign.sqlite in the campaign directory): what the campaign is
// (its sweep file, the mcxsim version and commit that started it) and one row per run with its
// parameters, seed, run number, the version and commit that ran it, its status, wall time and
// metrics. One file, one writer at a time (the sweep, or `sweep collect`); runs never write it,
// they write their folder, so runs on other machines only need the shared directory.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace mcx::sim::sweep {

struct RunRecord {
  std::string id;
  uint64_t point = 0;
  uint32_t run = 0;
  uint32_t seed = 0;
  std::string params_json;  ///< {"name": "value as given", ...}
  /// completed, nothing_happened (the run said there was nothing to measure), failed,
  /// interrupted.
  std::string status;
  int exit_code = 0;
  std::string mcxsim_version;
  std::string git_commit;
  double wall_s = 0;
  double simulated_s = 0;
  std::string metrics_json;  ///< summary.json's "metrics", or empty
  std::string error;         ///< the end of the run's stderr when it failed
  std::string finished_at;   ///< UTC, ISO 8601
};

class CampaignDb {
 public:
  /// Opens (creating) the database; throws std::runtime_error naming the file.
  explicit CampaignDb(const std::string& path);
  ~CampaignDb();
  CampaignDb(const CampaignDb&) = delete;
  CampaignDb& operator=(const CampaignDb&) = delete;

  /// The campaign's facts: scenario, sweep (the file's text), mcxsim_version, git_commit.
  std::optional<std::string> Get(const std::string& key) const;
  void Set(const std::string& key, const std::string& value);

  /// Inserts or replaces the run's row.
  void Put(const RunRecord& r);
  std::map<std::string, RunRecord> Runs() const;
  void Remove(const std::string& id);
  /// Runs SQL without results ("BEGIN", "COMMIT").
  void Exec(const std::string& sql);

 private:
  std::string path_;
  struct Close {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Close> db_;
};

}  // namespace mcx::sim::sweep
