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

// Items already stored under `layout`: in the main store and, for a shard,
// its own store, else every shard store.
std::set<ItemKey> StoredItems(const ResultsLayout& layout, const SweepConfig& config,
                              const Shard* shard);

// Runs on this machine (whole sweep or one shard); exports CSV when whole.
void RunLocal(const RunRequest& request, const SweepPlan& plan);

// `threads` when given, else every hardware thread.
int ResolveThreads(int requested);

}  // namespace expertlab
