// Runs work items on a TBB task pool and hands finished items to a writer.
//
// Items are independent tasks; each one's rows depend only on (seed, cell,
// replicate), so the order in which tasks finish never shows in the results.
// A single writer thread receives finished items and passes them in batches
// to the sink (the store), keeping SQLite off the worker threads. Exclusive
// (kernel-heavy) experiments run items one at a time with all threads given
// to the cell instead.
#pragma once

#include <functional>
#include <vector>

#include "sim/experiment.h"
#include "sim/grid.h"
#include "sim/progress.h"
#include "sim/store.h"

namespace expertlab {

// Runs one (cell, replicate) and times it. Errors carry the cell's params.
ItemResult RunItem(const Experiment& experiment, const Cell& cell, int64_t replicate, uint64_t seed,
                   int threads);

using ResultSink = std::function<void(const std::vector<ItemResult>&)>;

// Runs `todo` with `threads` threads; calls `sink` (on one thread) with
// batches of finished items. Throws the first cell error after in-flight
// items are stored.
void ExecuteItems(const Experiment& experiment, const std::vector<Cell>& cells,
                  const std::vector<WorkItem>& todo, uint64_t seed, int threads,
                  const ResultSink& sink, Progress& progress);

}  // namespace expertlab
