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

// A SLURM_ARRAY_TASK_* variable as an integer >= `min`; nullopt when unset
// or empty, an Error naming it when it holds anything else.
std::optional<int64_t> SlurmVariable(const char* name, int64_t min) {
  const char* text = std::getenv(name);
  if (!text || !*text) return {};
  const auto value = ToInt(text);
  EXPERTLAB_CHECK(value && *value >= min)
      << "bad " << name << "='" << text << "': expected an integer >= " << min
      << " (or pass --shard i/N)";
  return value;
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
  constexpr const char* kId = "SLURM_ARRAY_TASK_ID";
  constexpr const char* kCount = "SLURM_ARRAY_TASK_COUNT";
  const auto id = SlurmVariable(kId, 0);
  const auto count = SlurmVariable(kCount, 1);
  if (!id && !count) return std::nullopt;
  EXPERTLAB_CHECK(id && count) << (id ? kId : kCount) << " is set but " << (id ? kCount : kId)
                               << " is not; pass --shard i/N";
  // --array=MIN-MAX:STEP numbers tasks MIN, MIN+STEP, ...
  const int64_t first = SlurmVariable("SLURM_ARRAY_TASK_MIN", 0).value_or(0);
  const int64_t step = SlurmVariable("SLURM_ARRAY_TASK_STEP", 1).value_or(1);
  const int64_t offset = *id - first;
  EXPERTLAB_CHECK(offset >= 0 && offset % step == 0 && offset / step < *count)
      << kId << "=" << *id << " is not one of the " << kCount << "=" << *count
      << " tasks numbered from " << first << " in steps of " << step << "; pass --shard i/N";
  return Shard{offset / step, *count};
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
