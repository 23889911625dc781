// SQLite results store: one file per run location (store.db) or per shard.
//
// Tables
//   meta       (key, value)        experiment, root seed, schema version
//   sweep      (id, config, git_sha, git_dirty, build_type, compiler, host,
//               threads, shard, started, finished)
//   cell       (hash, replicate, params, seconds, sweep, rows, checksum)
//   metric     (hash, replicate, seq, step, name, value)
//   attribute  (hash, replicate, name, value)      text facts of an item
//   summary    (items, checksum)   item count and XOR of item checksums
//   checkpoint (hash, replicate, fingerprint, checksum, state)
// A (cell, replicate) and all its rows are written in one transaction, so a
// kill (even SIGKILL) loses only items in flight and a rerun skips
// everything stored. WAL mode keeps readers and the writer apart.
//
// Integrity: every SQLite result code is checked (an error is never "no
// more rows"). Each item stores its row count and a checksum of its
// params, rows and attributes; the summary row counts the items and XORs
// their checksums, so a reader notices a changed, truncated or vanished
// item. Readers (export, merge, resume) verify both.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
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
  std::vector<TextAttribute> attributes;
};

// Checksum of what an item means: hash, replicate, params, rows (values
// bit for bit) and attributes. Not the timing (seconds).
uint64_t ItemChecksum(const ItemResult& item);

struct SweepInfo {
  std::string config_json;
  int threads = 1;
  std::string shard;  // "" (whole sweep), "3/16", "mpi rank 2/4"
};

using ItemKey = std::pair<uint64_t, int64_t>;

// An item whose stored rows do not match its row count or checksum.
struct DamagedItem {
  ItemKey key;
  std::string params_json;  // "" when the cell row itself is gone
  std::string problem;
};

// What a verified read found: intact items (rows in recorded order) and
// damaged ones; `lost` > 0 when the summary counts items that are gone.
struct StoreContents {
  std::vector<ItemResult> items;
  std::vector<DamagedItem> damaged;
  int64_t lost = 0;
  bool Clean() const { return damaged.empty() && lost == 0; }
};

class Store {
 public:
  // Opens or creates `path` to write it; checks that an existing store
  // belongs to the same experiment and root seed.
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
  // PRAGMA quick_check: Error naming the first problems SQLite finds in the
  // file's structure.
  void QuickCheck() const;

  int64_t BeginSweep(const SweepInfo& info);
  void FinishSweep(int64_t sweep_id);
  // The config JSON of the most recent sweep ("" if none).
  std::string LastConfig() const;

  // Writes whole items in one transaction (with their summary update,
  // removing their checkpoints). Safe to call from several threads.
  void Write(const std::vector<ItemResult>& items, int64_t sweep_id);

  // Every item, verified (see StoreContents). SQLite errors throw.
  StoreContents Read() const;
  // Read(), refusing (Error listing the damage) unless the store is clean.
  std::vector<ItemResult> ReadAll() const;
  // Deletes `keys` (damaged items, to be recomputed) with their rows and
  // checkpoints, and rewrites the summary to match what is left.
  void Remove(const std::vector<ItemKey>& keys);

  // The last checkpoint blob of an item, if one was saved. `fingerprint`
  // identifies the sweep, cell and replicate it must belong to: a
  // checkpoint written for anything else is an Error; a damaged one
  // (checksum mismatch) is dropped and reported as absent.
  std::optional<std::string> LoadCheckpoint(const ItemKey& key, uint64_t fingerprint) const;
  void SaveCheckpoint(const ItemKey& key, uint64_t fingerprint, const std::string& blob);
  // Every stored checkpoint's key and fingerprint (checked before a run).
  std::map<ItemKey, uint64_t> CheckpointFingerprints() const;

 private:
  void Open(int flags);
  void OpenExisting();
  void Exec(const std::string& sql) const;
  void CreateSchema();
  // Runs `body` in a BEGIN IMMEDIATE ... COMMIT transaction under the
  // write mutex, rolling back (if SQLite has not already) on any error.
  void Transaction(const std::function<void()>& body);

  std::string path_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mutex_;  // one statement sequence at a time
};

// The error text for a checkpoint whose fingerprint is not this sweep's.
std::string ForeignCheckpoint(const std::string& path);

// Rejects a store that has damage: one Error naming the store, the damaged
// items by (cell, replicate) (first few) and the lost count.
void RequireClean(const StoreContents& contents, const std::string& path);

}  // namespace expertlab
