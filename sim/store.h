// SQLite results store: one file per run location (store.db) or per shard.
//
// Tables
//   meta   (key, value)            experiment and root seed of this store
//   sweep  (id, config, git_sha, git_dirty, build_type, compiler, host,
//           threads, shard, started, finished)
//   cell   (hash, replicate, params, seconds, sweep)   a finished item
//   metric (hash, replicate, seq, step, name, value)
// A (cell, replicate) and all its metric rows are written in one
// transaction, so a kill (even SIGKILL) loses only items in flight and a
// rerun skips everything stored. WAL mode keeps readers and the writer apart.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/experiment.h"

struct sqlite3;
struct sqlite3_stmt;

namespace expertlab {

struct ItemResult {
  uint64_t hash = 0;
  int64_t replicate = 0;
  std::string params_json;
  double seconds = 0;
  std::vector<MetricRow> rows;
};

struct SweepInfo {
  std::string config_json;
  int threads = 1;
  std::string shard;  // "" (whole sweep), "3/16", "mpi rank 2/4"
};

using ItemKey = std::pair<uint64_t, int64_t>;

class Store {
 public:
  // Opens or creates `path`; checks that an existing store belongs to the
  // same experiment and root seed.
  Store(const std::string& path, const std::string& experiment, uint64_t seed);
  // Opens an existing store to read it (merge sources, export, resume).
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  std::string Meta(const std::string& key) const;  // "" if absent
  // Error unless this store belongs to `experiment` with root `seed`.
  void CheckIdentity(const std::string& experiment, uint64_t seed) const;

  int64_t BeginSweep(const SweepInfo& info);
  void FinishSweep(int64_t sweep_id);
  // The config JSON of the most recent sweep ("" if none).
  std::string LastConfig() const;

  std::set<ItemKey> DoneItems() const;
  // Writes whole items in one transaction.
  void Write(const std::vector<ItemResult>& items, int64_t sweep_id);

  // Every stored item with its rows (rows in recorded order).
  std::vector<ItemResult> ReadAll() const;

 private:
  void Open(int flags);
  void CloseOnError(const std::function<void()>& body);
  void Exec(const std::string& sql) const;
  void CreateSchema();

  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_cell_ = nullptr;
  sqlite3_stmt* insert_metric_ = nullptr;
};

}  // namespace expertlab
