// Runs work items on a TBB task pool and hands finished items to a writer.
//
// Items are independent tasks; each one's rows depend only on (seed, cell,
// replicate), so the order in which tasks finish never shows in the results.
// A single writer thread receives finished items and passes them in batches
// to the sink (the store), keeping SQLite off the worker threads. Exclusive
// (kernel-heavy) experiments run items one at a time with all threads given
// to the cell instead.
//
// Stopping: the first failure (a cell's error, or the sink's: a full disk)
// cancels the sweep at once: no new item starts, long cells stop at their
// next checkpoint, and the error is thrown after the writer has stored
// what finished before it. SIGINT/SIGTERM (inside an InterruptScope) stop
// the same way and are reported in the result. Threads are always joined.
#pragma once

#include <functional>
#include <vector>

#include "sim/experiment.h"
#include "sim/grid.h"
#include "sim/progress.h"
#include "sim/store.h"

namespace expertlab {

// The seed, store and stop flag a run lends every item.
struct ItemEnvironment {
  uint64_t seed = 0;
  Store* checkpoints = nullptr;  // where long cells keep checkpoints (may be null)
  const std::atomic<bool>* stop = nullptr;
};

// Runs one (cell, replicate) and times it; nothing when the cell stopped
// at a checkpoint because the sweep is stopping. Errors carry the cell's
// params. Measured experiments get the attributes host and cpu.
std::optional<ItemResult> RunItem(const Experiment& experiment, const Cell& cell, int64_t replicate,
                                  int threads, const ItemEnvironment& env);

using ResultSink = std::function<void(const std::vector<ItemResult>&)>;

struct ExecutionResult {
  int interrupted_by = 0;  // the signal that stopped the sweep, or 0
};

// Runs `todo` with `threads` threads; calls `sink` (on one thread) with
// batches of finished items. Throws the first error (the sink's, else a
// cell's) after in-flight items are stored.
ExecutionResult ExecuteItems(const Experiment& experiment, const std::vector<Cell>& cells,
                             const std::vector<WorkItem>& todo, uint64_t seed, int threads,
                             const ResultSink& sink, Progress& progress,
                             Store* checkpoints = nullptr);

// What a checkpoint of (seed, cell, replicate) is stored under: another
// sweep's checkpoint of the same item does not match.
uint64_t CheckpointFingerprint(uint64_t seed, const Cell& cell, int64_t replicate);

// "host" and "cpu" of this machine, for measured experiments' items.
const std::vector<TextAttribute>& MachineAttributes();

}  // namespace expertlab
