#include "mcx/sim/sweep/campaign_db.h"

#include <sqlite3.h>

#include <stdexcept>

namespace mcx::sim::sweep {

namespace {

struct Finalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

[[noreturn]] void Fail(sqlite3* db, const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

Statement Prepare(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) Fail(db, path, "cannot prepare a statement");
  return Statement(s);
}

void Bind(sqlite3_stmt* s, int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }

std::string Column(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s, i))) : "";
}

}  // namespace

void CampaignDb::Close::operator()(sqlite3* db) const { sqlite3_close(db); }

CampaignDb::CampaignDb(const std::string& path) : path_(path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  db_.reset(db);
  if (rc != SQLITE_OK) Fail(db, path, "cannot open the campaign database");
  // Another writer (a second `sweep collect`) waits rather than fails.
  sqlite3_busy_timeout(db, 30000);
  Exec(
      "CREATE TABLE IF NOT EXISTS campaign (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS runs ("
      " id TEXT PRIMARY KEY, point INTEGER NOT NULL, run INTEGER NOT NULL, seed INTEGER NOT NULL,"
      " params TEXT NOT NULL, status TEXT NOT NULL, exit_code INTEGER NOT NULL,"
      " mcxsim_version TEXT NOT NULL, git_commit TEXT NOT NULL, wall_s REAL NOT NULL,"
      " simulated_s REAL NOT NULL, metrics TEXT NOT NULL, error TEXT NOT NULL, finished_at TEXT NOT NULL);");
}

CampaignDb::~CampaignDb() = default;

void CampaignDb::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error(path_ + ": " + why);
  }
}

std::optional<std::string> CampaignDb::Get(const std::string& key) const {
  Statement s = Prepare(db_.get(), path_, "SELECT value FROM campaign WHERE key = ?1");
  Bind(s.get(), 1, key);
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_ROW) return Column(s.get(), 0);
  if (rc != SQLITE_DONE) Fail(db_.get(), path_, "cannot read the campaign");
  return std::nullopt;
}

void CampaignDb::Set(const std::string& key, const std::string& value) {
  Statement s = Prepare(db_.get(), path_, "INSERT OR REPLACE INTO campaign (key, value) VALUES (?1, ?2)");
  Bind(s.get(), 1, key);
  Bind(s.get(), 2, value);
  if (sqlite3_step(s.get()) != SQLITE_DONE) Fail(db_.get(), path_, "cannot write the campaign");
}

void CampaignDb::Put(const RunRecord& r) {
  Statement s = Prepare(db_.get(), path_,
                        "INSERT OR REPLACE INTO runs (id, point, run, seed, params, status, exit_code, mcxsim_version,"
                        " git_commit, wall_s, simulated_s, metrics, error, finished_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  Bind(s.get(), 1, r.id);
  sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(r.point));
  sqlite3_bind_int64(s.get(), 3, r.run);
  sqlite3_bind_int64(s.get(), 4, r.seed);
  Bind(s.get(), 5, r.params_json);
  Bind(s.get(), 6, r.status);
  sqlite3_bind_int(s.get(), 7, r.exit_code);
  Bind(s.get(), 8, r.mcxsim_version);
  Bind(s.get(), 9, r.git_commit);
  sqlite3_bind_double(s.get(), 10, r.wall_s);
  sqlite3_bind_double(s.get(), 11, r.simulated_s);
  Bind(s.get(), 12, r.metrics_json);
  Bind(s.get(), 13, r.error);
  Bind(s.get(), 14, r.finished_at);
  if (sqlite3_step(s.get()) != SQLITE_DONE) Fail(db_.get(), path_, "cannot record run " + r.id);
}

std::map<std::string, RunRecord> CampaignDb::Runs() const {
  Statement s = Prepare(db_.get(), path_,
                        "SELECT id, point, run, seed, params, status, exit_code, mcxsim_version, git_commit, wall_s,"
                        " simulated_s, metrics, error, finished_at FROM runs");
  std::map<std::string, RunRecord> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    RunRecord r;
    r.id = Column(s.get(), 0);
    r.point = static_cast<uint64_t>(sqlite3_column_int64(s.get(), 1));
    r.run = static_cast<uint32_t>(sqlite3_column_int64(s.get(), 2));
    r.seed = static_cast<uint32_t>(sqlite3_column_int64(s.get(), 3));
    r.params_json = Column(s.get(), 4);
    r.status = Column(s.get(), 5);
    r.exit_code = sqlite3_column_int(s.get(), 6);
    r.mcxsim_version = Column(s.get(), 7);
    r.git_commit = Column(s.get(), 8);
    r.wall_s = sqlite3_column_double(s.get(), 9);
    r.simulated_s = sqlite3_column_double(s.get(), 10);
    r.metrics_json = Column(s.get(), 11);
    r.error = Column(s.get(), 12);
    r.finished_at = Column(s.get(), 13);
    out.emplace(r.id, std::move(r));
  }
  if (rc != SQLITE_DONE) Fail(db_.get(), path_, "cannot read the runs");
  return out;
}

void CampaignDb::Remove(const std::string& id) {
  Statement s = Prepare(db_.get(), path_, "DELETE FROM runs WHERE id = ?1");
  Bind(s.get(), 1, id);
  if (sqlite3_step(s.get()) != SQLITE_DONE) Fail(db_.get(), path_, "cannot remove run " + id);
}

}  // namespace mcx::sim::sweep
