#include "algorithms/experts/low_mistake.h"

#include <algorithm>
#include <bit>

#include "algorithms/experts/kernels.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experts {

LowMistake::LowMistake(const Params& params)
    : count_(params.Int("mistakes")),
      bursts_(params.String("placement") == "bursts"),
      burst_count_(params.Int("bursts")) {}

void LowMistake::Start(int num_experts, int64_t horizon, Rng rng) {
  EXPERTLAB_CHECK(count_ <= horizon)
      << "low_mistake: mistakes M = " << count_ << " exceeds T = " << horizon;
  EXPERTLAB_CHECK(num_experts >= 2) << "low_mistake needs n >= 2 experts, got " << num_experts;
  num_experts_ = num_experts;
  horizon_ = horizon;
  best_ = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(num_experts)));
  key_ = rng.NextU64();
  mistakes_.clear();
  if (count_ == 0) return;
  if (!bursts_) {
    for (uint64_t d : SampleWithoutReplacement(rng, static_cast<uint64_t>(horizon),
                                               static_cast<uint64_t>(count_)))
      mistakes_.push_back(static_cast<int64_t>(d) + 1);
  } else {
    // b runs of ~M/b consecutive days starting at uniform positions; runs
    // may overlap, in which case later ones extend past their overlap so
    // exactly M distinct days are mistakes.
    const int64_t runs = std::min(burst_count_, count_);
    std::vector<char> marked(static_cast<size_t>(horizon), 0);
    int64_t placed = 0;
    for (int64_t r = 0; r < runs; ++r) {
      const int64_t length = count_ / runs + (r < count_ % runs ? 1 : 0);
      int64_t day = static_cast<int64_t>(rng.UniformInt(static_cast<uint64_t>(horizon)));
      for (int64_t k = 0; k < length; ++k) {
        while (marked[day]) day = (day + 1) % horizon;
        marked[day] = 1;
        ++placed;
      }
    }
    for (int64_t d = 0; d < horizon; ++d)
      if (marked[d]) mistakes_.push_back(d + 1);
    EXPERTLAB_CHECK(placed == count_) << "low_mistake: placement bug";
  }
  std::sort(mistakes_.begin(), mistakes_.end());
}

double LowMistake::Loss(int64_t day, int expert) const {
  if (expert == best_)
    return std::binary_search(mistakes_.begin(), mistakes_.end(), day) ? 1.0 : 0.0;
  const int64_t index = day - 1;
  const uint64_t word =
      CellBits(key_, static_cast<uint64_t>(index >> 6), static_cast<uint64_t>(expert));
  return static_cast<double>((word >> (index & 63)) & 1u);
}

int64_t LowMistake::MistakesIn(int64_t first, int64_t last) const {
  return std::upper_bound(mistakes_.begin(), mistakes_.end(), last) -
         std::lower_bound(mistakes_.begin(), mistakes_.end(), first);
}

void LowMistake::Accumulate(int64_t first, int64_t last, Eigen::ArrayXd& cumulative) const {
  if (last < first) return;
  const int64_t lo = first - 1;
  const int64_t hi = last - 1;
  for (int64_t block = lo >> 6; block <= hi >> 6; ++block) {
    const int from = block == (lo >> 6) ? static_cast<int>(lo & 63) : 0;
    const int to = block == (hi >> 6) ? static_cast<int>(hi & 63) : 63;
    const uint64_t mask =
        (to == 63 ? ~uint64_t{0} : (uint64_t{1} << (to + 1)) - 1) & ~((uint64_t{1} << from) - 1);
    for (int i = 0; i < num_experts_; ++i) {
      if (i == best_) continue;
      cumulative[i] += std::popcount(
          CellBits(key_, static_cast<uint64_t>(block), static_cast<uint64_t>(i)) & mask);
    }
  }
  cumulative[best_] += static_cast<double>(MistakesIn(first, last));
}

EXPERTLAB_REGISTER(LossSequence, LowMistake, "low_mistake",
                   "best expert errs only M times (bursts or spread), others "
                   "fair coins (SWXZ22 low-mistake regime)",
                   {ParamSpec::Int("mistakes", 8, Bounds::Closed(0, int64_t{1} << 40),
                                   "mistakes M of the best expert"),
                    ParamSpec::Choice("placement", "bursts", {"bursts", "spread"},
                                      "where the M mistakes go"),
                    ParamSpec::Int("bursts", 4, Bounds::Closed(1, 1 << 30),
                                   "number of runs for placement=bursts")})

}  // namespace expertlab::experts
