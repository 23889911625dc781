// Test helpers for long cells' checkpoints: a CheckpointIo that keeps the
// last checkpoint in memory (and may ask the cell to stop after a number of
// saves, as a killed or interrupted run would), and an exact comparison of
// two cells' rows.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "sim/experiment.h"

namespace expertlab::testing {

class MemoryCheckpoints final : public CheckpointIo {
 public:
  std::optional<std::string> Load() override { return blob_; }
  void Save(std::string blob) override {
    blob_ = std::move(blob);
    if (++saves_ == stop_after) stop = true;
  }
  std::optional<std::string> blob_;
  int saves_ = 0;
  int stop_after = -1;  // -1: never
  std::atomic<bool> stop{false};
};

// Same steps, names and values, bit for bit, in the same order.
inline bool SameRows(const std::vector<MetricRow>& a, const std::vector<MetricRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].step != b[i].step || a[i].name != b[i].name || a[i].value != b[i].value) return false;
  return true;
}

}  // namespace expertlab::testing
