#include "sim/shard.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "sim/check.h"

namespace expertlab {
namespace {

std::optional<int64_t> ToInt(std::string_view text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return {};
  return value;
}

std::optional<int64_t> EnvInt(const char* name) {
  const char* text = std::getenv(name);
  if (!text || !*text) return {};
  return ToInt(text);
}

}  // namespace

std::string Shard::ToString() const { return std::to_string(index) + "/" + std::to_string(count); }

Shard ParseShard(std::string_view text) {
  const size_t slash = text.find('/');
  std::optional<int64_t> index, count;
  if (slash != std::string_view::npos) {
    index = ToInt(text.substr(0, slash));
    count = ToInt(text.substr(slash + 1));
  }
  EXPERTLAB_CHECK(index && count && *count >= 1 && *index >= 0 && *index < *count)
      << "bad --shard '" << text << "': expected i/N with integers 0 <= i < N (e.g. 3/16)";
  return {*index, *count};
}

std::optional<Shard> ShardFromSlurmEnvironment() {
  const auto id = EnvInt("SLURM_ARRAY_TASK_ID");
  const auto count = EnvInt("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  // --array=MIN-MAX:STEP numbers tasks MIN, MIN+STEP, ...
  const int64_t first = EnvInt("SLURM_ARRAY_TASK_MIN").value_or(0);
  const int64_t step = EnvInt("SLURM_ARRAY_TASK_STEP").value_or(1);
  EXPERTLAB_CHECK(step >= 1 && (*id - first) % step == 0)
      << "cannot derive a shard from SLURM_ARRAY_TASK_ID=" << *id << " (array min " << first
      << ", step " << step << "); pass --shard i/N explicitly";
  return ParseShard(std::to_string((*id - first) / step) + "/" + std::to_string(*count));
}

std::filesystem::path ResultsLayout::ShardStore(const Shard& shard) const {
  return dir_ / "shards" /
         ("shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".db");
}

std::filesystem::path ResultsLayout::RankStore(int rank) const {
  return dir_ / "shards" / ("mpi-rank-" + std::to_string(rank) + ".db");
}

std::filesystem::path ResultsLayout::Csv(std::string_view experiment) const {
  return dir_ / (std::string(experiment) + ".csv");
}

std::vector<std::filesystem::path> ResultsLayout::ShardStores() const {
  std::vector<std::filesystem::path> out;
  std::error_code error;
  const auto shards = dir_ / "shards";
  if (!std::filesystem::is_directory(shards, error)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(shards, error))
    if (entry.path().extension() == ".db") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace expertlab
