#include "algorithms/experts/planted_bernoulli.h"

#include <bit>

#include "algorithms/experts/kernels.h"
#include "sim/registry.h"

namespace expertlab::experts {

PlantedBernoulli::PlantedBernoulli(const Params& params) : delta_(params.Double("delta")) {
  EXPERTLAB_CHECK(delta_ > 0 && delta_ < 0.5)
      << "planted_bernoulli: delta must be in (0, 1/2), got " << delta_;
}

uint64_t PlantedBernoulli::CellWord(uint64_t key, int64_t a, int b) {
  return CellBits(key, static_cast<uint64_t>(a), static_cast<uint64_t>(b));
}

void PlantedBernoulli::Start(int num_experts, int64_t /*horizon*/, Rng rng) {
  num_experts_ = num_experts;
  planted_ = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(num_experts)));
  fair_key_ = rng.NextU64();
  planted_key_ = rng.NextU64();
  cached_block_ = -1;
}

bool PlantedBernoulli::PlantedLoss(int64_t day) const {
  return BitsToUniform(CellWord(planted_key_, day, 0)) < 0.5 - delta_;
}

double PlantedBernoulli::Loss(int64_t day, int expert) const {
  if (expert == planted_) return PlantedLoss(day) ? 1.0 : 0.0;
  const int64_t index = day - 1;
  return static_cast<double>((FairWord(index >> 6, expert) >> (index & 63)) & 1u);
}

void PlantedBernoulli::Fill(int64_t day, Eigen::ArrayXd& losses) const {
  const int64_t index = day - 1;
  const int64_t block = index >> 6;
  if (block != cached_block_) {
    cached_words_.resize(num_experts_);
    for (int i = 0; i < num_experts_; ++i) cached_words_[i] = FairWord(block, i);
    cached_block_ = block;
  }
  const int shift = static_cast<int>(index & 63);
  for (int i = 0; i < num_experts_; ++i)
    losses[i] = static_cast<double>((cached_words_[i] >> shift) & 1u);
  losses[planted_] = PlantedLoss(day) ? 1.0 : 0.0;
}

void PlantedBernoulli::FillMeans(int64_t /*day*/, Eigen::ArrayXd& means) const {
  means.setConstant(0.5);
  means[planted_] = 0.5 - delta_;
}

namespace {

// Bits of block `block` that fall on 0-based day indices [lo, hi].
uint64_t BlockMask(int64_t block, int64_t lo, int64_t hi) {
  const int from = block == (lo >> 6) ? static_cast<int>(lo & 63) : 0;
  const int to = block == (hi >> 6) ? static_cast<int>(hi & 63) : 63;
  const uint64_t upto = to == 63 ? ~uint64_t{0} : (uint64_t{1} << (to + 1)) - 1;
  return upto & ~((uint64_t{1} << from) - 1);
}

}  // namespace

void PlantedBernoulli::Accumulate(int64_t first, int64_t last, Eigen::ArrayXd& cumulative) const {
  if (last < first) return;
  const int64_t lo = first - 1;  // 0-based day indices [lo, hi]
  const int64_t hi = last - 1;
  double planted_fair_bits = 0;  // what the loop below adds to i* wrongly
  for (int64_t block = lo >> 6; block <= hi >> 6; ++block) {
    const uint64_t mask = BlockMask(block, lo, hi);
    for (int i = 0; i < num_experts_; ++i)
      cumulative[i] += std::popcount(FairWord(block, i) & mask);
    planted_fair_bits += std::popcount(FairWord(block, planted_) & mask);
  }
  double planted = 0;
  for (int64_t day = first; day <= last; ++day) planted += PlantedLoss(day) ? 1.0 : 0.0;
  cumulative[planted_] += planted - planted_fair_bits;
}

EXPERTLAB_REGISTER(LossSequence, PlantedBernoulli, "planted_bernoulli",
                   "i.i.d. Bernoulli(1/2) losses, one planted expert at "
                   "1/2 - delta (SWXZ22 hard distribution)",
                   {ParamSpec::Double("delta", 0.1, Bounds::Open(0.0, 0.5),
                                      "advantage of the planted expert")})

}  // namespace expertlab::experts
