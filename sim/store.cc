#include "sim/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>

#include "sim/build_info.h"
#include "sim/check.h"

namespace expertlab {
namespace {

// SQLite integers are signed; hashes round-trip through the same bits.
int64_t ToSql(uint64_t hash) { return static_cast<int64_t>(hash); }
uint64_t FromSql(int64_t value) { return static_cast<uint64_t>(value); }

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

// Finalizes a statement when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& path) {
    EXPERTLAB_CHECK(sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK)
        << "store '" << path << "': " << sqlite3_errmsg(db);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  bool Step() const { return sqlite3_step(stmt_) == SQLITE_ROW; }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

Store::Store(const std::string& path) : path_(path) {
  EXPERTLAB_CHECK(std::filesystem::is_regular_file(path)) << "no results store at '" << path << "'";
  // Opened read-write but never written: a read-only connection could not
  // remove the -wal/-shm files on close, and they would litter the results.
  Open(SQLITE_OPEN_READWRITE);
  CloseOnError([&] {
    EXPERTLAB_CHECK(!Meta("experiment").empty())
        << "'" << path << "' is not an expertlab results store";
  });
}

Store::Store(const std::string& path, const std::string& experiment, uint64_t seed) : path_(path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  EXPERTLAB_CHECK(!error) << "cannot create output directory '" << parent.string()
                          << "': " << error.message();
  Open(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  CloseOnError([&] {
    CreateSchema();
    if (Meta("experiment").empty()) {
      Exec("INSERT OR REPLACE INTO meta VALUES('experiment', '" + experiment + "'), ('seed', '" +
           std::to_string(seed) + "'), ('schema', '1')");
    }
    CheckIdentity(experiment, seed);
  });
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

void Store::Open(int flags) {
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    throw Error("cannot open results store '" + path_ + "': " + message);
  }
  sqlite3_busy_timeout(db_, 60000);
}

void Store::CloseOnError(const std::function<void()>& body) {
  // A constructor that throws runs no destructor: close here so no handle
  // (and no -wal/-shm file) outlives the error.
  try {
    body();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  sqlite3_finalize(insert_cell_);
  sqlite3_finalize(insert_metric_);
  sqlite3_close(db_);
}

void Store::Exec(const std::string& sql) const {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message ? message : "";
  sqlite3_free(message);
  EXPERTLAB_CHECK(rc == SQLITE_OK) << "results store '" << path_ << "': " << text;
}

void Store::CreateSchema() {
  // NORMAL sync in WAL mode: a committed transaction survives a process kill;
  // only an OS crash could lose the last commits, never corrupt the file.
  Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  Exec(
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
      "CREATE TABLE IF NOT EXISTS sweep(id INTEGER PRIMARY KEY, config TEXT,"
      " git_sha TEXT, git_dirty INTEGER, build_type TEXT, compiler TEXT,"
      " host TEXT, threads INTEGER, shard TEXT, started TEXT, finished TEXT);"
      "CREATE TABLE IF NOT EXISTS cell(hash INTEGER, replicate INTEGER,"
      " params TEXT, seconds REAL, sweep INTEGER,"
      " PRIMARY KEY(hash, replicate));"
      "CREATE TABLE IF NOT EXISTS metric(hash INTEGER, replicate INTEGER,"
      " seq INTEGER, step INTEGER, name TEXT, value REAL,"
      " PRIMARY KEY(hash, replicate, seq)) WITHOUT ROWID;");
}

std::string Store::Meta(const std::string& key) const {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key = ?", -1, &raw, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(raw);
    return "";  // no meta table yet
  }
  sqlite3_bind_text(raw, 1, key.c_str(), -1, SQLITE_TRANSIENT);
  std::string value;
  if (sqlite3_step(raw) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(raw, 0);
    value = p ? reinterpret_cast<const char*>(p) : "";
  }
  sqlite3_finalize(raw);
  return value;
}

int64_t Store::BeginSweep(const SweepInfo& info) {
  Statement stmt(db_,
                 "INSERT INTO sweep(config, git_sha, git_dirty, build_type,"
                 " compiler, host, threads, shard, started)"
                 " VALUES(?,?,?,?,?,?,?,?,?)",
                 path_);
  const BuildInfo& build = GetBuildInfo();
  sqlite3_bind_text(stmt.get(), 1, info.config_json.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt.get(), 2, build.git_sha, -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt.get(), 3, build.git_dirty ? 1 : 0);
  sqlite3_bind_text(stmt.get(), 4, build.build_type, -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt.get(), 5, build.compiler, -1, SQLITE_STATIC);
  const std::string host = HostName();
  sqlite3_bind_text(stmt.get(), 6, host.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(stmt.get(), 7, info.threads);
  sqlite3_bind_text(stmt.get(), 8, info.shard.c_str(), -1, SQLITE_TRANSIENT);
  const std::string now = NowUtc();
  sqlite3_bind_text(stmt.get(), 9, now.c_str(), -1, SQLITE_TRANSIENT);
  EXPERTLAB_CHECK(sqlite3_step(stmt.get()) == SQLITE_DONE)
      << "results store '" << path_ << "': " << sqlite3_errmsg(db_);
  return sqlite3_last_insert_rowid(db_);
}

void Store::FinishSweep(int64_t sweep_id) {
  Exec("UPDATE sweep SET finished = '" + NowUtc() + "' WHERE id = " + std::to_string(sweep_id));
}

std::string Store::LastConfig() const {
  Statement stmt(db_, "SELECT config FROM sweep ORDER BY id DESC LIMIT 1", path_);
  return stmt.Step() ? stmt.Text(0) : "";
}

std::set<ItemKey> Store::DoneItems() const {
  Statement stmt(db_, "SELECT hash, replicate FROM cell", path_);
  std::set<ItemKey> done;
  while (stmt.Step())
    done.emplace(FromSql(sqlite3_column_int64(stmt.get(), 0)), sqlite3_column_int64(stmt.get(), 1));
  return done;
}

void Store::Write(const std::vector<ItemResult>& items, int64_t sweep_id) {
  if (items.empty()) return;
  auto prepare = [&](sqlite3_stmt*& stmt, const char* sql) {
    if (stmt) return;
    EXPERTLAB_CHECK(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK)
        << "results store '" << path_ << "': " << sqlite3_errmsg(db_);
  };
  prepare(insert_cell_, "INSERT INTO cell VALUES(?,?,?,?,?)");
  prepare(insert_metric_, "INSERT INTO metric VALUES(?,?,?,?,?,?)");
  auto step = [&](sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
      const std::string message = sqlite3_errmsg(db_);
      Exec("ROLLBACK");
      throw Error("results store '" + path_ + "': " + message);
    }
  };
  Exec("BEGIN IMMEDIATE");
  for (const ItemResult& item : items) {
    sqlite3_bind_int64(insert_cell_, 1, ToSql(item.hash));
    sqlite3_bind_int64(insert_cell_, 2, item.replicate);
    sqlite3_bind_text(insert_cell_, 3, item.params_json.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_double(insert_cell_, 4, item.seconds);
    sqlite3_bind_int64(insert_cell_, 5, sweep_id);
    step(insert_cell_);
    int64_t seq = 0;
    for (const MetricRow& row : item.rows) {
      sqlite3_bind_int64(insert_metric_, 1, ToSql(item.hash));
      sqlite3_bind_int64(insert_metric_, 2, item.replicate);
      sqlite3_bind_int64(insert_metric_, 3, seq++);
      sqlite3_bind_int64(insert_metric_, 4, row.step);
      sqlite3_bind_text(insert_metric_, 5, row.name.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_double(insert_metric_, 6, row.value);
      step(insert_metric_);
    }
  }
  Exec("COMMIT");
}

std::vector<ItemResult> Store::ReadAll() const {
  std::map<ItemKey, ItemResult> items;
  {
    Statement cells(db_, "SELECT hash, replicate, params, seconds FROM cell", path_);
    while (cells.Step()) {
      ItemResult item;
      item.hash = FromSql(sqlite3_column_int64(cells.get(), 0));
      item.replicate = sqlite3_column_int64(cells.get(), 1);
      item.params_json = cells.Text(2);
      item.seconds = sqlite3_column_double(cells.get(), 3);
      items.emplace(ItemKey{item.hash, item.replicate}, std::move(item));
    }
  }
  Statement metrics(db_,
                    "SELECT hash, replicate, step, name, value FROM metric"
                    " ORDER BY hash, replicate, seq",
                    path_);
  while (metrics.Step()) {
    const ItemKey key{FromSql(sqlite3_column_int64(metrics.get(), 0)),
                      sqlite3_column_int64(metrics.get(), 1)};
    auto it = items.find(key);
    EXPERTLAB_CHECK(it != items.end())
        << "results store '" << path_ << "' has metric rows of a missing cell";
    // SQLite stores NaN as NULL; read it back as NaN.
    const double value = sqlite3_column_type(metrics.get(), 4) == SQLITE_NULL
                             ? std::numeric_limits<double>::quiet_NaN()
                             : sqlite3_column_double(metrics.get(), 4);
    it->second.rows.push_back({sqlite3_column_int64(metrics.get(), 2), metrics.Text(3), value});
  }
  std::vector<ItemResult> out;
  out.reserve(items.size());
  for (auto& [key, item] : items) out.push_back(std::move(item));
  return out;
}

}  // namespace expertlab
