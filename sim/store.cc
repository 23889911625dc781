#include "sim/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>

#include "sim/build_info.h"
#include "sim/bytes.h"
#include "sim/check.h"
#include "sim/grid.h"

namespace expertlab {
namespace {

constexpr const char* kSchemaVersion = "2";

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

// What a SQLite result code means for a results store, in the user's words.
std::string Cause(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
      return "the file is damaged (malformed database); move it aside and rerun "
             "(`sqlite3 FILE .recover` salvages the intact rows)";
    case SQLITE_NOTADB:
      return "the file is not an SQLite database (a foreign file, or a damaged header)";
    case SQLITE_FULL: return "the disk is full";
    case SQLITE_NOMEM: return "out of memory";
    case SQLITE_READONLY: return "the store or its directory is read-only";
    case SQLITE_CANTOPEN:
      return "cannot open the file or its write-ahead log (missing or read-only directory, "
             "no permission)";
    case SQLITE_IOERR: return "I/O error (disk full, file removed while open, or failing storage)";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "another process holds the store";
    case SQLITE_PERM:
    case SQLITE_AUTH: return "permission denied";
    case SQLITE_CONSTRAINT: return "an item is stored twice (constraint failed)";
    default: return sqlite3_errstr(rc);
  }
}

[[noreturn]] void Fail(const std::string& path, sqlite3* db, int rc, const std::string& what) {
  std::string message = "results store '" + path + "': " + what + ": " + Cause(rc);
  const char* detail = db ? sqlite3_errmsg(db) : nullptr;
  if (detail && *detail && Cause(rc) != detail) message += " (SQLite: " + std::string(detail) + ")";
  throw Error(message);
}

// A prepared statement whose every step is checked: SQLITE_ROW and
// SQLITE_DONE are the only answers that are not errors.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& path) : db_(db), path_(path) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK) Fail(path_, db_, rc, "reading");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int col, int64_t value) { return Check(sqlite3_bind_int64(stmt_, col, value)); }
  Statement& Bind(int col, double value) { return Check(sqlite3_bind_double(stmt_, col, value)); }
  Statement& Bind(int col, const std::string& text) {
    return Check(sqlite3_bind_text(stmt_, col, text.c_str(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT));
  }
  Statement& BindBlob(int col, const std::string& bytes) {
    return Check(sqlite3_bind_blob64(stmt_, col, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }

  // True for a row, false when done; throws on anything else.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail(path_, db_, rc, "reading");
  }
  // Runs a statement that returns no rows, then readies it for reuse.
  void Run(const std::string& what) {
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_DONE) Fail(path_, db_, rc, what);
    sqlite3_reset(stmt_);
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const {
    // SQLite stores NaN as NULL; read it back as NaN.
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                          : sqlite3_column_double(stmt_, col);
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : "";
  }
  std::string Blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : "";
  }

 private:
  Statement& Check(int rc) {
    if (rc != SQLITE_OK) Fail(path_, db_, rc, "binding a value");
    return *this;
  }
  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Values as the store gives them back: NaN canonical (stored as NULL) and
// -0 as +0 (SQLite keeps integral reals as integers).
double Canonical(double value) {
  if (std::isnan(value)) return std::numeric_limits<double>::quiet_NaN();
  return value == 0 ? 0.0 : value;
}

std::string Describe(const ItemKey& key, const std::string& params_json) {
  return "cell " + (params_json.empty() ? "#" + std::to_string(key.first) : params_json) +
         " replicate " + std::to_string(key.second);
}

}  // namespace

std::string ForeignCheckpoint(const std::string& path) {
  return "results store '" + path +
         "' holds a checkpoint written by another sweep (other seed or parameters) for an item "
         "of this one; remove it (sqlite3 " +
         path + " \"DELETE FROM checkpoint\") or run into a new --out";
}

uint64_t ItemChecksum(const ItemResult& item) {
  ByteWriter bytes;
  bytes.Put<uint64_t>(item.hash);
  bytes.Put<int64_t>(item.replicate);
  bytes.PutString(item.params_json);
  bytes.Put<uint64_t>(item.rows.size());
  for (const MetricRow& row : item.rows) {
    bytes.Put<int64_t>(row.step);
    bytes.PutString(row.name);
    bytes.Put<double>(Canonical(row.value));
  }
  // Attributes come back from the store in name order.
  std::vector<const TextAttribute*> attributes;
  for (const TextAttribute& a : item.attributes) attributes.push_back(&a);
  std::sort(attributes.begin(), attributes.end(),
            [](const TextAttribute* a, const TextAttribute* b) { return a->name < b->name; });
  bytes.Put<uint64_t>(attributes.size());
  for (const TextAttribute* a : attributes) {
    bytes.PutString(a->name);
    bytes.PutString(a->value);
  }
  return Fnv1a64(bytes.bytes());
}

void RequireClean(const StoreContents& contents, const std::string& path) {
  if (contents.Clean()) return;
  std::string message = "results store '" + path + "' is damaged:";
  const size_t shown = std::min<size_t>(contents.damaged.size(), 5);
  for (size_t i = 0; i < shown; ++i) {
    const DamagedItem& d = contents.damaged[i];
    message += (i ? "; " : " ") + Describe(d.key, d.params_json) + " " + d.problem;
  }
  if (contents.damaged.size() > shown)
    message += "; and " + std::to_string(contents.damaged.size() - shown) + " more damaged items";
  if (contents.lost > 0)
    message += (shown ? "; " : " ") + std::to_string(contents.lost) + " items are missing";
  if (contents.lost < 0)
    message += (shown ? "; " : " ") + std::string("its item summary does not match its items");
  throw Error(message + "; rerunning the sweep recomputes them");
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

void Store::Write(const std::vector<ItemResult>& items, int64_t sweep_id) {
  if (items.empty()) return;
  Transaction([&] {
    Statement cell(db_, "INSERT INTO cell VALUES(?,?,?,?,?,?,?)", path_);
    Statement metric(db_, "INSERT INTO metric VALUES(?,?,?,?,?,?)", path_);
    Statement attribute(db_, "INSERT INTO attribute VALUES(?,?,?,?)", path_);
    Statement checkpoint(db_, "DELETE FROM checkpoint WHERE hash = ? AND replicate = ?", path_);
    uint64_t checksums = 0;
    for (const ItemResult& item : items) {
      const uint64_t checksum = ItemChecksum(item);
      checksums ^= checksum;
      const int64_t hash = ToSql(item.hash);
      cell.Bind(1, hash)
          .Bind(2, item.replicate)
          .Bind(3, item.params_json)
          .Bind(4, item.seconds)
          .Bind(5, sweep_id)
          .Bind(6, static_cast<int64_t>(item.rows.size()))
          .Bind(7, ToSql(checksum))
          .Run("storing " + Describe({item.hash, item.replicate}, item.params_json));
      int64_t seq = 0;
      for (const MetricRow& row : item.rows) {
        metric.Bind(1, hash)
            .Bind(2, item.replicate)
            .Bind(3, seq++)
            .Bind(4, row.step)
            .Bind(5, row.name)
            .Bind(6, row.value)
            .Run("storing a metric row");
      }
      for (const TextAttribute& a : item.attributes) {
        attribute.Bind(1, hash)
            .Bind(2, item.replicate)
            .Bind(3, a.name)
            .Bind(4, a.value)
            .Run("storing an attribute");
      }
      checkpoint.Bind(1, hash).Bind(2, item.replicate).Run("removing a finished checkpoint");
    }
    Statement summary(db_,
                      "UPDATE summary SET items = items + ?1,"
                      " checksum = (checksum | ?2) & ~(checksum & ?2)",
                      path_);
    summary.Bind(1, static_cast<int64_t>(items.size()))
        .Bind(2, ToSql(checksums))
        .Run("updating the summary");
  });
}

StoreContents Store::Read() const {
  std::lock_guard<std::mutex> lock(mutex_);
  struct Stored {
    ItemResult item;
    int64_t rows = 0;
    uint64_t checksum = 0;
    int64_t sweep = 0;
  };
  std::map<ItemKey, Stored> stored;
  std::set<int64_t> sweeps;
  {
    Statement stmt(db_, "SELECT id FROM sweep", path_);
    while (stmt.Step()) sweeps.insert(stmt.Int(0));
  }
  uint64_t checksums = 0;
  {
    Statement stmt(db_, "SELECT hash, replicate, params, seconds, rows, checksum, sweep FROM cell",
                   path_);
    while (stmt.Step()) {
      Stored s;
      s.item.hash = FromSql(stmt.Int(0));
      s.item.replicate = stmt.Int(1);
      s.item.params_json = stmt.Text(2);
      s.item.seconds = stmt.Double(3);
      s.rows = stmt.Int(4);
      s.checksum = FromSql(stmt.Int(5));
      s.sweep = stmt.Int(6);
      checksums ^= s.checksum;
      stored.emplace(ItemKey{s.item.hash, s.item.replicate}, std::move(s));
    }
  }
  StoreContents contents;
  std::set<ItemKey> orphans;
  // Rows of the per-item tables join their item; rows whose item has no
  // cell record are orphans (the cell row was lost).
  auto attach = [&](const char* sql, const std::function<void(ItemResult&, Statement&)>& add) {
    Statement stmt(db_, sql, path_);
    while (stmt.Step()) {
      const ItemKey key{FromSql(stmt.Int(0)), stmt.Int(1)};
      auto it = stored.find(key);
      if (it == stored.end()) {
        orphans.insert(key);
      } else {
        add(it->second.item, stmt);
      }
    }
  };
  attach("SELECT hash, replicate, step, name, value FROM metric ORDER BY hash, replicate, seq",
         [](ItemResult& item, Statement& s) {
           item.rows.push_back({s.Int(2), s.Text(3), s.Double(4)});
         });
  attach("SELECT hash, replicate, name, value FROM attribute ORDER BY hash, replicate, name",
         [](ItemResult& item, Statement& s) {
           item.attributes.push_back({s.Text(2), s.Text(3)});
         });
  int64_t summary_items = 0;
  uint64_t summary_checksum = 0;
  {
    Statement stmt(db_, "SELECT items, checksum FROM summary", path_);
    if (stmt.Step()) {
      summary_items = stmt.Int(0);
      summary_checksum = FromSql(stmt.Int(1));
    }
  }
  for (const ItemKey& key : orphans)
    contents.damaged.push_back({key, "", "has rows but no cell record"});
  for (auto& [key, s] : stored) {
    std::string problem;
    if (static_cast<int64_t>(s.item.rows.size()) != s.rows) {
      problem = "has " + std::to_string(s.item.rows.size()) + " of its " + std::to_string(s.rows) +
                " rows";
    } else if (ItemChecksum(s.item) != s.checksum) {
      problem = "does not match its checksum";
    } else if (!sweeps.count(s.sweep)) {
      problem = "names a sweep that is not recorded";
    }
    if (problem.empty()) {
      contents.items.push_back(std::move(s.item));
    } else {
      contents.damaged.push_back({key, s.item.params_json, problem});
    }
  }
  const int64_t count = static_cast<int64_t>(stored.size());
  if (summary_items != count) {
    contents.lost = summary_items - count;
    if (contents.lost == 0) contents.lost = -1;
  } else if (summary_checksum != checksums) {
    contents.lost = -1;
  }
  return contents;
}

std::vector<ItemResult> Store::ReadAll() const {
  StoreContents contents = Read();
  RequireClean(contents, path_);
  return std::move(contents.items);
}

void Store::Remove(const std::vector<ItemKey>& keys) {
  Transaction([&] {
    for (const char* table : {"cell", "metric", "attribute", "checkpoint"}) {
      const std::string sql =
          std::string("DELETE FROM ") + table + " WHERE hash = ? AND replicate = ?";
      Statement stmt(db_, sql.c_str(), path_);
      for (const ItemKey& key : keys) {
        stmt.Bind(1, ToSql(key.first)).Bind(2, key.second).Run("removing a damaged item");
      }
    }
    int64_t items = 0;
    uint64_t checksums = 0;
    {
      Statement stmt(db_, "SELECT checksum FROM cell", path_);
      while (stmt.Step()) {
        ++items;
        checksums ^= FromSql(stmt.Int(0));
      }
    }
    Statement summary(db_, "UPDATE summary SET items = ?, checksum = ?", path_);
    summary.Bind(1, items).Bind(2, ToSql(checksums)).Run("rewriting the summary");
  });
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
