#include "sim/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>

#include "sim/build_info.h"
#include "sim/check.h"
#include "sim/grid.h"
#include "sim/store_sql.h"

namespace expertlab {
namespace {

using store_sql::Cause;
using store_sql::Describe;
using store_sql::Fail;
using store_sql::FromSql;
using store_sql::Statement;
using store_sql::ToSql;

constexpr const char* kSchemaVersion = "2";

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string HostName() {
  char buffer[256] = {0};
  if (gethostname(buffer, sizeof(buffer) - 1) != 0) return "unknown";
  return buffer;
}

}  // namespace

std::string ForeignCheckpoint(const std::string& path) {
  return "results store '" + path +
         "' holds a checkpoint written by another sweep (other seed or parameters) for an item "
         "of this one; remove it (sqlite3 " +
         path + " \"DELETE FROM checkpoint\") or run into a new --out";
}

Store::Store(const std::string& path) : path_(path) {
  EXPERTLAB_CHECK(std::filesystem::is_regular_file(path)) << "no results store at '" << path << "'";
  // Opened read-write but never written: a read-only connection could not
  // remove the -wal/-shm files on close, and they would litter the results.
  Open(SQLITE_OPEN_READWRITE);
  OpenExisting();
}

Store::Store(const std::string& path, const std::string& experiment, uint64_t seed) : path_(path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  EXPERTLAB_CHECK(!error) << "cannot create output directory '" << parent.string()
                          << "': " << error.message();
  Open(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  try {
    // A file without tables is new, or a store whose creation was killed
    // before its first transaction committed: either way, create it.
    bool fresh = false;
    {
      Statement tables(db_, "SELECT COUNT(*) FROM sqlite_master", path_);
      fresh = tables.Step() && tables.Int(0) == 0;
    }
    if (!fresh) {
      OpenExisting();
      CheckIdentity(experiment, seed);  // before anything is written
    }
    // NORMAL sync in WAL mode: a committed transaction survives a process
    // kill; only an OS crash could lose the last commits, never corrupt
    // the file.
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    // Schema and identity in one transaction: a store either has both or
    // is fresh.
    Transaction([&] {
      CreateSchema();
      if (!fresh) return;
      for (const auto& [key, value] :
           std::map<std::string, std::string>{{"experiment", experiment},
                                              {"seed", std::to_string(seed)},
                                              {"schema", kSchemaVersion}}) {
        Statement row(db_, "INSERT INTO meta VALUES(?, ?)", path_);
        row.Bind(1, key).Bind(2, value).Run("creating the store");
      }
    });
  } catch (...) {
    // A constructor that throws runs no destructor: close here so no handle
    // (and no -wal/-shm file) outlives the error.
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void Store::Open(int flags) {
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = "results store '" + path_ + "': cannot open: " + Cause(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(message);
  }
  sqlite3_busy_timeout(db_, 60000);
  sqlite3_extended_result_codes(db_, 1);
}

void Store::OpenExisting() {
  try {
    bool has_meta = false;
    {
      Statement tables(db_, "SELECT name FROM sqlite_master WHERE type = 'table'", path_);
      while (tables.Step()) has_meta = has_meta || tables.Text(0) == "meta";
    }
    EXPERTLAB_CHECK(has_meta) << "'" << path_
                              << "' is an SQLite database but not an expertlab results store "
                                 "(it has no meta table)";
    EXPERTLAB_CHECK(!Meta("experiment").empty())
        << "'" << path_ << "' is not an expertlab results store (no experiment recorded)";
    const std::string schema = Meta("schema");
    EXPERTLAB_CHECK(schema == kSchemaVersion)
        << "'" << path_ << "' was written by another version of expertlab (store schema '" << schema
        << "', this build reads '" << kSchemaVersion
        << "'); export it with the build that wrote it, or run into a new --out";
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void Store::CheckIdentity(const std::string& experiment, uint64_t seed) const {
  const std::string stored_experiment = Meta("experiment");
  EXPERTLAB_CHECK(stored_experiment == experiment)
      << "'" << path_ << "' holds results of experiment '" << stored_experiment << "', not '"
      << experiment << "'; choose another --out";
  EXPERTLAB_CHECK(Meta("seed") == std::to_string(seed))
      << "'" << path_ << "' was made with seed " << Meta("seed") << ", this run uses seed " << seed
      << "; choose another --out or the same seed";
}

Store::~Store() { sqlite3_close(db_); }

void Store::Exec(const std::string& sql) const {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) Fail(path_, db_, rc, "writing");
}

void Store::Transaction(const std::function<void()>& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  Exec("BEGIN IMMEDIATE");
  try {
    body();
    Exec("COMMIT");
  } catch (...) {
    // SQLite may have rolled back already (e.g. on SQLITE_FULL or NOMEM):
    // a second ROLLBACK would only hide the real cause.
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Store::CreateSchema() {
  Exec(
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
      "CREATE TABLE IF NOT EXISTS sweep(id INTEGER PRIMARY KEY, config TEXT,"
      " git_sha TEXT, git_dirty INTEGER, build_type TEXT, compiler TEXT,"
      " host TEXT, threads INTEGER, shard TEXT, started TEXT, finished TEXT);"
      "CREATE TABLE IF NOT EXISTS cell(hash INTEGER, replicate INTEGER,"
      " params TEXT, seconds REAL, sweep INTEGER, rows INTEGER, checksum INTEGER,"
      " PRIMARY KEY(hash, replicate));"
      "CREATE TABLE IF NOT EXISTS metric(hash INTEGER, replicate INTEGER,"
      " seq INTEGER, step INTEGER, name TEXT, value REAL,"
      " PRIMARY KEY(hash, replicate, seq)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS attribute(hash INTEGER, replicate INTEGER,"
      " name TEXT, value TEXT, PRIMARY KEY(hash, replicate, name)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS summary(id INTEGER PRIMARY KEY CHECK(id = 0),"
      " items INTEGER, checksum INTEGER);"
      "INSERT OR IGNORE INTO summary VALUES(0, 0, 0);"
      "CREATE TABLE IF NOT EXISTS checkpoint(hash INTEGER, replicate INTEGER,"
      " fingerprint INTEGER, checksum INTEGER, state BLOB,"
      " PRIMARY KEY(hash, replicate));");
}

std::string Store::Meta(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement stmt(db_, "SELECT value FROM meta WHERE key = ?", path_);
  stmt.Bind(1, key);
  return stmt.Step() ? stmt.Text(0) : "";
}

void Store::QuickCheck() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement stmt(db_, "PRAGMA quick_check(5)", path_);
  std::string problems;
  while (stmt.Step()) {
    const std::string line = stmt.Text(0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  EXPERTLAB_CHECK(problems.empty())
      << "results store '" << path_ << "' is damaged (SQLite quick_check: " << problems
      << "); move it aside and rerun (`sqlite3 FILE .recover` salvages the intact rows)";
}

int64_t Store::BeginSweep(const SweepInfo& info) {
  int64_t id = 0;
  Transaction([&] {
    Statement stmt(db_,
                   "INSERT INTO sweep(config, git_sha, git_dirty, build_type,"
                   " compiler, host, threads, shard, started)"
                   " VALUES(?,?,?,?,?,?,?,?,?)",
                   path_);
    const BuildInfo& build = GetBuildInfo();
    stmt.Bind(1, info.config_json)
        .Bind(2, std::string(build.git_sha))
        .Bind(3, int64_t{build.git_dirty ? 1 : 0})
        .Bind(4, std::string(build.build_type))
        .Bind(5, std::string(build.compiler))
        .Bind(6, HostName())
        .Bind(7, int64_t{info.threads})
        .Bind(8, info.shard)
        .Bind(9, NowUtc())
        .Run("recording the sweep");
    id = sqlite3_last_insert_rowid(db_);
  });
  return id;
}

void Store::FinishSweep(int64_t sweep_id) {
  Transaction([&] {
    Statement stmt(db_, "UPDATE sweep SET finished = ? WHERE id = ?", path_);
    stmt.Bind(1, NowUtc()).Bind(2, sweep_id).Run("recording the sweep's end");
  });
}

std::string Store::LastConfig() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement stmt(db_, "SELECT config FROM sweep ORDER BY id DESC LIMIT 1", path_);
  return stmt.Step() ? stmt.Text(0) : "";
}

std::optional<std::string> Store::LoadCheckpoint(const ItemKey& key, uint64_t fingerprint) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement stmt(db_,
                 "SELECT fingerprint, checksum, state FROM checkpoint"
                 " WHERE hash = ? AND replicate = ?",
                 path_);
  stmt.Bind(1, ToSql(key.first)).Bind(2, key.second);
  if (!stmt.Step()) return std::nullopt;
  EXPERTLAB_CHECK(FromSql(stmt.Int(0)) == fingerprint) << ForeignCheckpoint(path_);
  std::string state = stmt.Blob(2);
  if (Fnv1a64(state) != FromSql(stmt.Int(1))) {
    std::fprintf(stderr, "warning: %s: the checkpoint of %s is damaged; the item restarts\n",
                 path_.c_str(), Describe(key, "").c_str());
    return std::nullopt;
  }
  return state;
}

std::map<ItemKey, uint64_t> Store::CheckpointFingerprints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement stmt(db_, "SELECT hash, replicate, fingerprint FROM checkpoint", path_);
  std::map<ItemKey, uint64_t> out;
  while (stmt.Step()) out[{FromSql(stmt.Int(0)), stmt.Int(1)}] = FromSql(stmt.Int(2));
  return out;
}

void Store::SaveCheckpoint(const ItemKey& key, uint64_t fingerprint, const std::string& blob) {
  Transaction([&] {
    Statement stmt(db_, "INSERT OR REPLACE INTO checkpoint VALUES(?,?,?,?,?)", path_);
    stmt.Bind(1, ToSql(key.first))
        .Bind(2, key.second)
        .Bind(3, ToSql(fingerprint))
        .Bind(4, ToSql(Fnv1a64(blob)))
        .BindBlob(5, blob)
        .Run("saving a checkpoint");
  });
}

}  // namespace expertlab
