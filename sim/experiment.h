// The contract between the engine and a study.
//
// An experiment declares its parameters (the sweep grid keys) and a cell
// function: (validated params, replicate, random streams) -> metric rows.
// It knows nothing of storage, threads or shards; the engine calls RunCell
// for every (cell, replicate) and stores what it records.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/params.h"
#include "sim/registry.h"
#include "sim/rng.h"

namespace expertlab {

struct MetricRow {
  int64_t step;
  std::string name;
  double value;
};

// A text fact about an item (ISA, kernel variant, host, a fitted model's
// description), stored beside its metrics and exported as a CSV column.
struct TextAttribute {
  std::string name;
  std::string value;
};

// Where a long cell stood when it saved: its own step counter and the
// bytes it needs to go on (see sim/bytes.h).
struct CellCheckpoint {
  int64_t step = 0;
  std::string state;
};

// The engine's side of a cell's checkpoints: the last blob saved for this
// (cell, replicate), and saving a new one durably (its own transaction).
class CheckpointIo {
 public:
  virtual ~CheckpointIo() = default;
  virtual std::optional<std::string> Load() = 0;
  virtual void Save(std::string blob) = 0;
};

// Thrown by SaveCheckpoint when the sweep is stopping (a failed writer,
// SIGINT/SIGTERM): the item is left to resume from the checkpoint just
// saved. Not an error of the cell.
struct CellStopped {};

// What one (cell, replicate) sees of the engine.
class CellContext {
 public:
  // `checkpoints` and `stop` may be null (no store: checkpoints are not
  // kept; nothing stops the cell early).
  CellContext(uint64_t root_seed, uint64_t cell_hash, uint64_t data_hash, int64_t replicate,
              int threads, CheckpointIo* checkpoints = nullptr,
              const std::atomic<bool>* stop = nullptr)
      : root_seed_(root_seed),
        cell_hash_(cell_hash),
        data_hash_(data_hash),
        replicate_(replicate),
        threads_(threads),
        checkpoints_(checkpoints),
        stop_(stop) {}

  // Independent random stream `id` of this (seed, cell, replicate): for
  // what the algorithm draws (its own coin flips, initialisation).
  Rng Stream(uint64_t id) const {
    return Rng(root_seed_, cell_hash_, static_cast<uint64_t>(replicate_), id);
  }
  // Stream `id` of the cell's data: keyed by the experiment's data keys and
  // the replicate only, so every method compared in one replicate sees the
  // same draws (common random numbers), and a sweep over a key that is not
  // a data key (e.g. the sample size) draws nested samples.
  Rng DataStream(uint64_t id) const {
    return Rng(root_seed_, data_hash_, static_cast<uint64_t>(replicate_), id);
  }
  int64_t replicate() const { return replicate_; }
  // Threads an exclusive (kernel-heavy) experiment may use; 1 otherwise.
  int threads() const { return threads_; }

  void Record(std::string_view metric, int64_t step, double value) {
    rows_.push_back({step, std::string(metric), value});
  }
  // Sets text attribute `name` of this item (a later call replaces it).
  void Attribute(std::string_view name, std::string_view value);

  // Long cells. Call Resume() once, before recording anything: it returns
  // the last checkpoint saved by an earlier, interrupted run of this item
  // (and restores the rows and attributes recorded before it), or nothing.
  // SaveCheckpoint stores `state` at the cell's `step` together with
  // everything recorded so far; a rerun after a kill then goes on from
  // there, and the item's final rows equal an uninterrupted run's as long
  // as the cell's computation depends only on (params, streams, state).
  // It throws CellStopped after saving when the sweep is stopping.
  std::optional<CellCheckpoint> Resume();
  void SaveCheckpoint(int64_t step, std::string_view state);
  // True once the sweep is stopping. A long cell that polls it must stop
  // through SaveCheckpoint (which then throws CellStopped), never by
  // returning: a cell that returns is stored as finished.
  bool StopRequested() const { return stop_ && stop_->load(std::memory_order_relaxed); }

  std::vector<MetricRow>& rows() { return rows_; }
  std::vector<TextAttribute>& attributes() { return attributes_; }

 private:
  uint64_t root_seed_;
  uint64_t cell_hash_;
  uint64_t data_hash_;
  int64_t replicate_;
  int threads_;
  CheckpointIo* checkpoints_;
  const std::atomic<bool>* stop_;
  std::vector<MetricRow> rows_;
  std::vector<TextAttribute> attributes_;
};

class Experiment {
 public:
  static constexpr const char* kFamily = "experiment";
  virtual ~Experiment() = default;

  virtual std::vector<ParamSpec> Parameters() const = 0;
  // The grid keys that define a cell's data (instance, n, T, the data
  // set's seed ...): CellContext::DataStream is keyed by these and the
  // replicate only. A config may replace the list (`data_keys = [...]`).
  virtual std::vector<std::string> DataKeys() const { return {}; }
  // Timing experiments: their values are measurements, not a function of
  // (seed, config, replicate). Each item records the machine that measured
  // it (attributes host, cpu); merge keeps the first of two measurements
  // of one item instead of calling them a conflict; determinism checks
  // leave them out.
  virtual bool Measured() const { return false; }
  // Kernel-heavy experiments run one cell at a time with every thread given
  // to OpenMP inside the cell, never nested in the task pool.
  virtual bool Exclusive() const { return false; }
  // Checks that involve several keys of one cell (e.g. memory S <= n).
  // Called for every cell of the grid before anything runs, so a bad grid
  // fails at once with a clear error and nothing written; throw Error via
  // EXPERTLAB_CHECK. Single-key ranges belong in the ParamSpec bounds.
  virtual void CheckCell(const Params& /*params*/) const {}
  virtual void RunCell(const Params& params, CellContext& context) const = 0;
};

// Looks up a registered experiment by name (Error if unknown).
const Registry<Experiment>::Entry& FindExperiment(std::string_view name);

// Log-spaced checkpoints in [1, horizon] (about `per_octave` per doubling),
// always including the horizon itself: where curves are recorded.
std::vector<int64_t> LogCheckpoints(int64_t horizon, int per_octave);

}  // namespace expertlab

// Experiments take no constructor parameters: their grid keys go to RunCell.
#define EXPERTLAB_REGISTER_EXPERIMENT(Impl, name, description)                          \
  namespace {                                                                           \
  [[maybe_unused]] const bool EXPERTLAB_CONCAT(registered_, __COUNTER__) =              \
      ::expertlab::Registry<::expertlab::Experiment>::Instance().Add(                   \
          {name, description, Impl().Parameters(),                                      \
           [](const ::expertlab::Params&) -> std::unique_ptr<::expertlab::Experiment> { \
             return std::make_unique<Impl>();                                           \
           }});                                                                         \
  }
