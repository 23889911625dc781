// When a training cell saves its state for a resume (CellContext
// checkpoints): whenever the sweep is stopping (SIGINT, SIGTERM, a failed
// writer; the cell then stops inside SaveCheckpoint) and otherwise at most
// once per `interval_seconds` of wall time, so a SIGKILL loses at most that
// much training. When the saves happen never changes the cell's rows: a
// resumed run continues the very computation it saved.
#pragma once

#include <chrono>
#include <cstdint>

#include "sim/bytes.h"
#include "sim/experiment.h"

namespace expertlab::experiments {

class TrainingCheckpoints {
 public:
  explicit TrainingCheckpoints(CellContext& context, double interval_seconds = 30)
      : context_(context), interval_(interval_seconds), last_(Clock::now()) {}

  // After `step`: when a save is due, write(ByteWriter&) fills the state and
  // it is saved at `step`.
  template <class Write>
  void MaybeSave(int64_t step, Write&& write) {
    const auto now = Clock::now();
    if (!context_.StopRequested() && std::chrono::duration<double>(now - last_).count() < interval_)
      return;
    ByteWriter state;
    write(state);
    context_.SaveCheckpoint(step, state.bytes());
    last_ = now;
  }

 private:
  using Clock = std::chrono::steady_clock;
  CellContext& context_;
  double interval_;
  Clock::time_point last_;
};

}  // namespace expertlab::experiments
