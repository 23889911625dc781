// Splitting a sweep across independent processes.
//
// Shard i of N owns the work items whose canonical index is i mod N, so
// shards are balanced across the grid and disjoint. Each shard writes its own
// store under <out>/shards/, and `merge` combines them. Without --shard, a
// Slurm job array supplies i and N through SLURM_ARRAY_TASK_ID/COUNT.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace expertlab {

struct Shard {
  int64_t index = 0;
  int64_t count = 1;
  bool Owns(size_t item_index) const {
    return static_cast<int64_t>(item_index % static_cast<size_t>(count)) == index;
  }
  std::string ToString() const;  // "3/16"
};

// "i/N" with 0 <= i < N; Error naming the text otherwise.
Shard ParseShard(std::string_view text);

// From SLURM_ARRAY_TASK_ID/COUNT (offset by SLURM_ARRAY_TASK_MIN, divided
// by SLURM_ARRAY_TASK_STEP), if set; nullopt when neither is set. Error
// naming the variable when one is set without the other, holds anything
// but an integer in range, or the id is not a task of the array: running
// the whole sweep in every task instead would be silent and costly. A
// resubmitted subset of an array (e.g. --array=5 alone) cannot be told
// apart from a whole array: give --shard.
std::optional<Shard> ShardFromSlurmEnvironment();

// Where a sweep's files live under its output directory.
class ResultsLayout {
 public:
  explicit ResultsLayout(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path MainStore() const { return dir_ / "store.db"; }
  std::filesystem::path ShardStore(const Shard& shard) const;
  std::filesystem::path RankStore(int rank) const;
  std::filesystem::path Csv(std::string_view experiment) const;
  // Every shard or rank store present, sorted by name.
  std::vector<std::filesystem::path> ShardStores() const;

 private:
  std::filesystem::path dir_;
};

}  // namespace expertlab
