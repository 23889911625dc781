// `expertlab run`: resolve the config, plan the work, run it, store it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/config.h"
#include "sim/grid.h"
#include "sim/shard.h"
#include "sim/store.h"

namespace expertlab {

struct RunRequest {
  std::string experiment;
  std::string config_file;               // empty: the embedded config
  bool quick = false;                    // embedded quick instead of full
  std::vector<std::string> assignments;  // key=value overrides
  std::optional<int64_t> reps;
  int threads = 1;
  std::optional<std::string> shard;  // "i/N"; else from Slurm, else whole
  bool mpi = false;
  std::string out_dir;  // empty: results/<experiment>
  bool quiet = false;   // no progress lines (tests)
};

struct SweepPlan {
  SweepConfig config;
  std::vector<Cell> cells;
  std::vector<WorkItem> items;  // every item of the sweep, canonical order
  ResultsLayout layout{""};
};

// Validates everything (experiment, keys, values, config, --out) before any
// work starts.
SweepPlan PlanSweep(const RunRequest& request);

// Intact items already stored under `layout`: in the main store and, for a
// shard, its own store, else every shard store; `own` (the store the
// caller writes and verifies itself) is left out.
std::set<ItemKey> StoredItems(const ResultsLayout& layout, const SweepConfig& config,
                              const Shard* shard, const std::filesystem::path& own = {});

// The intact items of the store a run writes. Damaged items (rows that do
// not match their count or checksum) are deleted so the run recomputes
// them; damage SQLite itself reports is an Error.
std::set<ItemKey> IntactItems(Store& store, bool quiet);

// Runs on this machine (whole sweep or one shard) holding the store's lock;
// exports CSV when whole. SIGINT/SIGTERM stop it with an Error saying how
// much is stored.
void RunLocal(const RunRequest& request, const SweepPlan& plan);

// `threads` when given, else every hardware thread.
int ResolveThreads(int requested);

}  // namespace expertlab
