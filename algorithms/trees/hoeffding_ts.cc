#include "algorithms/trees/hoeffding_ts.h"

#include <cmath>

#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::trees {

// A node: a leaf while `feature` < 0, else an inner node with two children.
struct HoeffdingTs::Leaf {
  Leaf(std::vector<uint8_t> lo_, std::vector<uint8_t> hi_, double count_, double wins_)
      : lo(std::move(lo_)),
        hi(std::move(hi_)),
        count(count_),
        wins(wins_),
        left_count(lo.size(), 0),
        left_wins(lo.size(), 0) {}

  std::vector<uint8_t> lo, hi;                // decile grid range per feature
  double count = 0, wins = 0;                 // rounds and rewards seen at this leaf
  std::vector<double> left_count, left_wins;  // per feature, below its candidate
  int64_t since_check = 0;
  int feature = -1;
  double threshold = 0;
  std::unique_ptr<Leaf> below, above;
};

HoeffdingTs::HoeffdingTs(const Params& params)
    : confidence_(params.Double("confidence")),
      tie_(params.Double("tie")),
      grace_(params.Int("grace")) {}

HoeffdingTs::~HoeffdingTs() = default;

namespace {

// Variance of a 0/1 target with `wins` ones out of `count` (0 when empty).
double BernoulliVariance(double count, double wins) {
  if (count <= 0) return 0;
  const double p = wins / count;
  return p * (1 - p);
}

}  // namespace

void HoeffdingTs::Start(const Problem& problem, Rng rng) {
  problem_ = problem;
  rng_ = rng;
  trees_.clear();
  const auto g = static_cast<size_t>(problem.dims);
  for (int e = 0; e < problem.experts; ++e)
    trees_.push_back(
        std::make_unique<Leaf>(std::vector<uint8_t>(g, 0), std::vector<uint8_t>(g, 10), 0, 0));
}

HoeffdingTs::Leaf& HoeffdingTs::Find(Leaf& root, std::span<const double> context) const {
  Leaf* node = &root;
  while (node->feature >= 0)
    node = context[static_cast<size_t>(node->feature)] < node->threshold ? node->below.get()
                                                                         : node->above.get();
  return *node;
}

void HoeffdingTs::Learn(Leaf& leaf, std::span<const double> context, double reward) const {
  const int g = problem_.dims;
  const auto mid = [&](int f) {
    const auto i = static_cast<size_t>(f);
    return problem_.grid[i][(leaf.lo[i] + leaf.hi[i]) / 2];
  };
  leaf.count += 1;
  leaf.wins += reward;
  for (int f = 0; f < g; ++f) {
    const auto i = static_cast<size_t>(f);
    if (leaf.hi[i] - leaf.lo[i] >= 2 && context[i] < mid(f)) {
      leaf.left_count[i] += 1;
      leaf.left_wins[i] += reward;
    }
  }
  if (++leaf.since_check < grace_) return;
  leaf.since_check = 0;
  const double total = BernoulliVariance(leaf.count, leaf.wins);
  double best = 0, second = 0;
  int best_feature = -1;
  for (int f = 0; f < g; ++f) {
    const auto i = static_cast<size_t>(f);
    if (leaf.hi[i] - leaf.lo[i] < 2) continue;
    const double nl = leaf.left_count[i], wl = leaf.left_wins[i];
    const double nr = leaf.count - nl, wr = leaf.wins - wl;
    const double merit =
        total - (nl * BernoulliVariance(nl, wl) + nr * BernoulliVariance(nr, wr)) / leaf.count;
    if (merit > best) {
      second = best;
      best = merit;
      best_feature = f;
    } else if (merit > second) {
      second = merit;
    }
  }
  if (best_feature < 0 || best <= 0) return;
  const double eps = std::sqrt(std::log(1.0 / confidence_) / (2.0 * leaf.count));
  if (!(second / best < 1.0 - eps || eps < tie_)) return;
  const auto i = static_cast<size_t>(best_feature);
  const auto split = static_cast<uint8_t>((leaf.lo[i] + leaf.hi[i]) / 2);
  std::vector<uint8_t> below_hi = leaf.hi, above_lo = leaf.lo;
  below_hi[i] = split;
  above_lo[i] = split;
  leaf.threshold = mid(best_feature);
  leaf.below =
      std::make_unique<Leaf>(leaf.lo, std::move(below_hi), leaf.left_count[i], leaf.left_wins[i]);
  leaf.above = std::make_unique<Leaf>(std::move(above_lo), leaf.hi, leaf.count - leaf.left_count[i],
                                      leaf.wins - leaf.left_wins[i]);
  leaf.feature = best_feature;
}

int HoeffdingTs::Choose(const RoundView& round) {
  double best = -1;
  for (size_t e = 0; e < trees_.size(); ++e) {
    const Leaf& leaf = Find(*trees_[e], round.context);
    const double a = Gamma(rng_, leaf.wins + 1), b = Gamma(rng_, leaf.count - leaf.wins + 1);
    const double draw = a / (a + b);
    if (draw > best) {
      best = draw;
      followed_ = static_cast<int>(e);
    }
  }
  return round.advice[static_cast<size_t>(followed_)];
}

void HoeffdingTs::Observe(const RoundView& round, int /*arm*/, double reward) {
  Learn(Find(*trees_[static_cast<size_t>(followed_)], round.context), round.context, reward);
}

EXPERTLAB_REGISTER(
    AdviceLearner, HoeffdingTs, "hoeffding_ts",
    "one Hoeffding regression tree per expert + Thompson sampling over experts "
    "(the TreeHeuristic baseline of Abels et al. ICML 2023, reconstructed)",
    {ParamSpec::Double("confidence", 1e-7, Bounds::Open(0, 1), "delta of the Hoeffding bound"),
     ParamSpec::Double("tie", 0.05, Bounds::AtLeast(0), "split anyway once eps < tie"),
     ParamSpec::Int("grace", 1, Bounds::AtLeast(1), "rounds between split checks of a leaf")});

}  // namespace expertlab::trees
