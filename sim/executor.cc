#include "sim/executor.h"

#include <tbb/concurrent_queue.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace expertlab {
namespace {

// Largest number of items committed in one transaction. Each item is whole
// in a transaction, so batching only amortises the commit.
constexpr size_t kMaxBatch = 512;

}  // namespace

ItemResult RunItem(const Experiment& experiment, const Cell& cell, int64_t replicate, uint64_t seed,
                   int threads) {
  const auto start = std::chrono::steady_clock::now();
  CellContext context(seed, cell.hash, cell.data_hash, replicate, threads);
  try {
    experiment.RunCell(cell.params, context);
  } catch (const std::exception& e) {
    throw Error("cell {" + cell.params.ToString() + "} replicate " + std::to_string(replicate) +
                " failed: " + e.what());
  }
  ItemResult result;
  result.hash = cell.hash;
  result.replicate = replicate;
  result.params_json = cell.params_json;
  result.rows = std::move(context.rows());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void ExecuteItems(const Experiment& experiment, const std::vector<Cell>& cells,
                  const std::vector<WorkItem>& todo, uint64_t seed, int threads,
                  const ResultSink& sink, Progress& progress) {
  EXPERTLAB_CHECK(threads >= 1) << "--threads must be >= 1, got " << threads;
  // An empty optional tells the writer that no more items will come.
  tbb::concurrent_bounded_queue<std::optional<ItemResult>> queue;
  std::exception_ptr writer_error;
  std::thread writer([&] {
    std::vector<ItemResult> batch;
    bool open = true;
    while (open) {
      std::optional<ItemResult> item;
      queue.pop(item);
      do {
        if (!item) {
          open = false;
          break;
        }
        batch.push_back(std::move(*item));
      } while (batch.size() < kMaxBatch && queue.try_pop(item));
      if (batch.empty() || writer_error) {
        batch.clear();
        continue;
      }
      try {
        sink(batch);
        progress.Add(batch.size());
      } catch (...) {
        writer_error = std::current_exception();
      }
      batch.clear();
    }
  });

  std::mutex error_mutex;
  std::exception_ptr cell_error;
  std::atomic<bool> cancelled{false};
  auto run = [&](const WorkItem& w, int cell_threads) {
    if (cancelled.load(std::memory_order_relaxed)) return;
    try {
      queue.push(RunItem(experiment, cells[w.cell], w.replicate, seed, cell_threads));
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!cell_error) cell_error = std::current_exception();
      cancelled = true;
    }
  };

  if (experiment.Exclusive()) {
    for (const WorkItem& w : todo) run(w, threads);
  } else {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<size_t>(threads));
    tbb::task_arena arena(threads);
    arena.execute(
        [&] { tbb::parallel_for(size_t{0}, todo.size(), [&](size_t i) { run(todo[i], 1); }); });
  }
  queue.push(std::nullopt);
  writer.join();
  progress.Finish();
  if (writer_error) std::rethrow_exception(writer_error);
  if (cell_error) std::rethrow_exception(cell_error);
}

}  // namespace expertlab
