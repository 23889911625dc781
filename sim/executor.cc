#include "sim/executor.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include "sim/interrupt.h"

namespace expertlab {
namespace {

// Largest number of items committed in one transaction. Each item is whole
// in a transaction, so batching only amortises the commit.
constexpr size_t kMaxBatch = 512;

// How often the writer looks for a stop signal while no item arrives.
constexpr auto kPollInterval = std::chrono::milliseconds(100);

// Finished items on their way to the writer. Close() allocates nothing, so
// the writer can always be told to finish, even out of memory.
class ItemQueue {
 public:
  void Push(ItemResult item) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
  }
  void Close() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_one();
  }
  // Moves up to kMaxBatch items into `batch`, waiting at most `timeout`
  // for the first; false once closed and drained.
  bool Pop(std::vector<ItemResult>& batch, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    while (!items_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(items_.front()));
      items_.pop_front();
    }
    return !(closed_ && items_.empty() && batch.empty());
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<ItemResult> items_;
  bool closed_ = false;
};

// The first error of a sweep, from any thread.
class FirstError {
 public:
  void Set(std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::move(error);
  }
  std::exception_ptr Get() {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

// A cell's checkpoints in the store, under a fingerprint of the sweep's
// seed, the cell and the replicate.
class StoreCheckpoints final : public CheckpointIo {
 public:
  StoreCheckpoints(Store& store, const Cell& cell, int64_t replicate, uint64_t seed)
      : store_(store),
        cell_(cell),
        key_{cell.hash, replicate},
        fingerprint_(CheckpointFingerprint(seed, cell, replicate)) {}
  std::optional<std::string> Load() override {
    std::optional<std::string> blob = store_.LoadCheckpoint(key_, fingerprint_);
    if (blob)
      std::fprintf(stderr, "cell {%s} replicate %lld resumes from its checkpoint\n",
                   cell_.params.ToString().c_str(), static_cast<long long>(key_.second));
    return blob;
  }
  void Save(std::string blob) override { store_.SaveCheckpoint(key_, fingerprint_, blob); }

 private:
  Store& store_;
  const Cell& cell_;
  ItemKey key_;
  uint64_t fingerprint_;
};

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) return Trim(line.substr(colon + 1));
  }
  return "unknown";
}

// Attribute names must not shadow the CSV's own columns.
void CheckAttributes(const Cell& cell, const std::vector<TextAttribute>& attributes) {
  for (const TextAttribute& a : attributes) {
    bool clash = a.name.empty();
    for (const char* column : {"experiment", "replicate", "step", "metric", "value"})
      clash = clash || a.name == column;
    for (const auto& [key, value] : cell.params.Items()) clash = clash || a.name == key;
    EXPERTLAB_CHECK(!clash) << "attribute name '" << a.name
                            << "' is empty or names a parameter or CSV column";
  }
}

}  // namespace

uint64_t CheckpointFingerprint(uint64_t seed, const Cell& cell, int64_t replicate) {
  return Fnv1a64(std::to_string(seed) + "\n" + std::to_string(cell.hash) + "\n" +
                 std::to_string(replicate) + "\n" + cell.params_json);
}

const std::vector<TextAttribute>& MachineAttributes() {
  static const std::vector<TextAttribute> attributes = [] {
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    return std::vector<TextAttribute>{{"host", host}, {"cpu", CpuModel()}};
  }();
  return attributes;
}

std::optional<ItemResult> RunItem(const Experiment& experiment, const Cell& cell, int64_t replicate,
                                  int threads, const ItemEnvironment& env) {
  const auto start = std::chrono::steady_clock::now();
  std::optional<StoreCheckpoints> checkpoints;
  if (env.checkpoints) checkpoints.emplace(*env.checkpoints, cell, replicate, env.seed);
  CellContext context(env.seed, cell.hash, cell.data_hash, replicate, threads,
                      checkpoints ? &*checkpoints : nullptr, env.stop);
  try {
    experiment.RunCell(cell.params, context);
    if (experiment.Measured())
      for (const TextAttribute& a : MachineAttributes()) context.Attribute(a.name, a.value);
    CheckAttributes(cell, context.attributes());
  } catch (const CellStopped&) {
    return std::nullopt;
  } catch (const std::exception& e) {
    throw Error("cell {" + cell.params.ToString() + "} replicate " + std::to_string(replicate) +
                " failed: " + e.what());
  }
  ItemResult result;
  result.hash = cell.hash;
  result.replicate = replicate;
  result.params_json = cell.params_json;
  result.rows = std::move(context.rows());
  result.attributes = std::move(context.attributes());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

ExecutionResult ExecuteItems(const Experiment& experiment, const std::vector<Cell>& cells,
                             const std::vector<WorkItem>& todo, uint64_t seed, int threads,
                             const ResultSink& sink, Progress& progress, Store* checkpoints) {
  EXPERTLAB_CHECK(threads >= 1) << "--threads must be >= 1, got " << threads;
  std::atomic<bool> stop{false};
  const ItemEnvironment env{seed, checkpoints, &stop};
  tbb::task_group_context tasks;
  auto request_stop = [&] {
    stop = true;
    tasks.cancel_group_execution();
  };
  FirstError writer_error, cell_error;
  ItemQueue queue;

  std::thread writer([&] {
    std::vector<ItemResult> batch;
    bool failed = false;
    try {
      while (queue.Pop(batch, kPollInterval)) {
        if (InterruptSignal() != 0 && !stop) request_stop();
        // After a failure the writer only drains the queue.
        if (!batch.empty() && !failed) {
          sink(batch);
          progress.Add(batch.size());
        }
        batch.clear();
      }
    } catch (...) {
      failed = true;
      writer_error.Set(std::current_exception());
      request_stop();
      // Keep draining so no worker waits on a full queue.
      try {
        while (queue.Pop(batch, kPollInterval)) batch.clear();
      } catch (...) {
      }
    }
  });
  // Whatever happens below, the writer is told to finish and joined.
  struct JoinWriter {
    ItemQueue& queue;
    std::thread& writer;
    ~JoinWriter() {
      queue.Close();
      if (writer.joinable()) writer.join();
    }
  } join_writer{queue, writer};

  auto run = [&](const WorkItem& w, int cell_threads) {
    if (stop.load(std::memory_order_relaxed)) return;
    try {
      std::optional<ItemResult> item =
          RunItem(experiment, cells[w.cell], w.replicate, cell_threads, env);
      if (item) queue.Push(std::move(*item));
    } catch (...) {
      cell_error.Set(std::current_exception());
      request_stop();
    }
  };
  try {
    if (experiment.Exclusive()) {
      for (const WorkItem& w : todo) run(w, threads);
    } else {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                static_cast<size_t>(threads));
      tbb::task_arena arena(threads);
      arena.execute([&] {
        tbb::parallel_for(
            size_t{0}, todo.size(), [&](size_t i) { run(todo[i], 1); }, tasks);
      });
    }
  } catch (...) {
    cell_error.Set(std::current_exception());
    request_stop();
  }
  queue.Close();
  writer.join();
  progress.Finish();
  if (auto error = writer_error.Get()) std::rethrow_exception(error);
  if (auto error = cell_error.Get()) std::rethrow_exception(error);
  return {stop ? InterruptSignal() : 0};
}

}  // namespace expertlab
