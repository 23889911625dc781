// Helpers shared by the experts family's tests: tiny learners and
// sequences with known behaviour, and conformance checks every learner's
// test calls.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/experts/game.h"
#include "algorithms/experts/instance.h"
#include "algorithms/experts/learner.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experts::testing {

inline Rng TestRng(uint64_t stream, uint64_t seed = 20261124) {
  return Rng(seed, 0xE4E7, 0, stream);
}

inline std::unique_ptr<ExpertsLearner> MakeLearner(const std::string& spec) {
  return Registry<ExpertsLearner>::Instance().Create(spec);
}
inline std::unique_ptr<LossSequence> MakeSequence(const std::string& spec) {
  return Registry<LossSequence>::Instance().Create(spec);
}

// A fixed table of losses: rows are days, columns experts (oblivious).
class TableSequence final : public LossSequence {
 public:
  explicit TableSequence(std::vector<std::vector<double>> rows) : rows_(std::move(rows)) {}
  void Start(int, int64_t, Rng) override {}
  double Loss(int64_t day, int expert) const override {
    return rows_[static_cast<size_t>(day - 1) % rows_.size()][static_cast<size_t>(expert)];
  }
  bool Oblivious() const override { return true; }

 private:
  std::vector<std::vector<double>> rows_;
};

// Plays one game with default streams and returns the last point.
inline GameResult Play(ExpertsLearner& learner, LossSequence& sequence, int n, int64_t horizon,
                       uint64_t seed = 1) {
  return PlayGame(learner, sequence, n, horizon, {horizon}, TestRng(1, seed), TestRng(2, seed));
}

// Statistics over independent seeds, for claims about what an algorithm
// does in expectation or with some probability (a bound derived in the
// test's comment). Each check fails a correct implementation (one for which
// the derived claim holds) with probability at most kTestLevel: the claim
// is the null hypothesis, rejected only at that level. Seeds are fixed, so
// a test's outcome never changes from run to run; the level says how
// unlucky a fixed set of seeds could be.
inline constexpr double kTestLevel = 1e-3;

// The one-sided 1 - 1e-3 quantile of Student's t with `dof` degrees of
// freedom, for dof >= 19 (at least 20 seeds); between table entries the
// smaller dof's (larger) value is used, which only widens the bound.
inline double StudentT999(int dof) {
  REQUIRE(dof >= 19);  // claims about means need at least 20 seeds
  const std::pair<int, double> table[] = {{19, 3.579}, {24, 3.467}, {29, 3.396},
                                          {40, 3.307}, {60, 3.232}, {120, 3.160}};
  double t = table[0].second;
  for (const auto& [d, value] : table)
    if (dof >= d) t = value;
  return t;
}

// Mean over seeds with its one-sided 1 - kTestLevel confidence bounds
// (Student t; the mean of >= 20 independent bounded values is close to
// normal).
struct SeedMean {
  double mean = 0;
  double se = 0;
  int n = 0;
  double Lower() const { return mean - StudentT999(n - 1) * se; }
  double Upper() const { return mean + StudentT999(n - 1) * se; }
};

inline SeedMean MeanOverSeeds(const std::vector<double>& values) {
  SeedMean m;
  m.n = static_cast<int>(values.size());
  for (double v : values) m.mean += v;
  m.mean /= m.n;
  double ss = 0;
  for (double v : values) ss += (v - m.mean) * (v - m.mean);
  m.se = std::sqrt(ss / (m.n - 1) / m.n);
  return m;
}

// Checks a derived claim E[X] <= bound: fails only when even the lower
// confidence bound of the mean is above it.
inline void CheckMeanAtMost(const std::vector<double>& values, double bound) {
  const SeedMean m = MeanOverSeeds(values);
  INFO("mean " << m.mean << " +- " << m.se << " (se) over " << m.n << " seeds; lower bound "
               << m.Lower() << "; claim E <= " << bound);
  CHECK(m.Lower() <= bound);
}

// Checks a derived claim E[X] >= bound: fails only when even the upper
// confidence bound of the mean is below it.
inline void CheckMeanAtLeast(const std::vector<double>& values, double bound) {
  const SeedMean m = MeanOverSeeds(values);
  INFO("mean " << m.mean << " +- " << m.se << " (se) over " << m.n << " seeds; upper bound "
               << m.Upper() << "; claim E >= " << bound);
  CHECK(m.Upper() >= bound);
}

// Establishes E[X] < bound: the upper confidence bound of the mean must be
// below it (here the claim is the alternative, so a learner that does not
// learn fails with probability >= 1 - kTestLevel). Used to show that a
// memory-bounded learner pays well below the no-learning delta T.
inline void CheckMeanBelow(const std::vector<double>& values, double bound) {
  const SeedMean m = MeanOverSeeds(values);
  INFO("mean " << m.mean << " +- " << m.se << " (se) over " << m.n << " seeds; upper bound "
               << m.Upper() << "; established claim E < " << bound);
  CHECK(m.Upper() < bound);
}

// P(X <= k) for X ~ Binomial(n, p), summed exactly (log-space terms).
inline double BinomialCdf(int k, int n, double p) {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  double total = 0;
  for (int j = 0; j <= k; ++j)
    total += std::exp(std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0) +
                      j * std::log(p) + (n - j) * std::log1p(-p));
  return std::min(total, 1.0);
}

// Checks a derived claim P(success) >= p0 from `successes` of `trials`
// independent seeds (exact binomial test): fails only when so few
// successes have probability below kTestLevel under the claim.
inline void CheckSuccessRateAtLeast(int successes, int trials, double p0) {
  REQUIRE(trials >= 20);
  const double tail = BinomialCdf(successes, trials, p0);
  INFO(successes << " of " << trials << " seeds succeeded; P(Bin(" << trials << ", " << p0
                 << ") <= " << successes << ") = " << tail);
  CHECK(tail >= kTestLevel);
}

// Today's distribution p_t, read through the public interface: p_i is the
// expected loss on the unit loss vector e_i (ExpectedLoss is <p_t, l>, and
// a bounded learner reads only the experts it holds, which are the only
// ones it can put weight on).
inline std::vector<double> Distribution(const ExpertsLearner& learner, int n) {
  const bool full = learner.MemoryBudget() >= n;
  Eigen::ArrayXd unit = Eigen::ArrayXd::Zero(n);
  std::vector<double> p(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    unit[i] = 1;
    p[static_cast<size_t>(i)] = learner.ExpectedLoss(LossView(unit, learner, full));
    unit[i] = 0;
  }
  return p;
}

// Plays `days` days by hand (as PlayGame does) and checks every day that
// p_t is on the probability simplex and that the expert played has
// positive probability.
inline void CheckSimplex(const std::string& learner_spec, const std::string& instance_spec, int n,
                         int64_t horizon, int64_t days) {
  INFO("simplex: " << learner_spec << " on " << instance_spec << ", n=" << n);
  auto learner = MakeLearner(learner_spec);
  auto sequence = MakeSequence(instance_spec);
  learner->Start(n, horizon, TestRng(1, 7));
  sequence->Start(n, horizon, TestRng(2, 7));
  const bool full = learner->MemoryBudget() >= n;
  Eigen::ArrayXd losses(n);
  // O(n^2) per checked day: check every day for small n, a sample of days
  // for large n.
  const int64_t every = n <= 256 ? 1 : 16;
  for (int64_t day = 1; day <= days; ++day) {
    sequence->BeginDay(day, *learner);
    sequence->Fill(day, losses);
    const int action = learner->Act();
    if (day % every == 1 || every == 1) {
      INFO("day " << day);
      const std::vector<double> p = Distribution(*learner, n);
      double sum = 0;
      bool non_negative = true;
      for (double v : p) {
        sum += v;
        non_negative = non_negative && v >= 0;
      }
      CHECK(non_negative);
      CHECK(sum == Approx(1.0).epsilon(1e-9));
      REQUIRE(action >= 0);
      REQUIRE(action < n);
      CHECK(p[static_cast<size_t>(action)] > 0);
    }
    learner->Observe(LossView(losses, *learner, full));
    sequence->SeeAction(day, action);
  }
}

// Invalid losses (NaN, infinities, outside [0, 1]) are refused by the game
// harness with an error naming the loss, before the learner can use them;
// valid but extreme sequences (all zero, all one, every expert tied, losses
// flipping between 0 and 1) keep every output finite.
inline void CheckAdversarialLosses(const std::string& learner_spec, int n) {
  INFO("adversarial losses: " << learner_spec << ", n=" << n);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {nan, inf, -inf, -0.5, 1.5}) {
    INFO("bad loss " << bad);
    std::vector<std::vector<double>> rows(3, std::vector<double>(static_cast<size_t>(n), 0.5));
    for (double& v : rows[1]) v = bad;  // day 2: every expert
    TableSequence table(rows);
    auto learner = MakeLearner(learner_spec);
    CHECK_THROWS_WITH(Play(*learner, table, n, 3), Catch::Contains("losses must be in [0, 1]") ||
                                                       Catch::Contains("summed losses"));
  }
  const std::vector<std::vector<std::vector<double>>> extremes = {
      {std::vector<double>(static_cast<size_t>(n), 0.0)},
      {std::vector<double>(static_cast<size_t>(n), 1.0)},
      {std::vector<double>(static_cast<size_t>(n), 1.0),
       std::vector<double>(static_cast<size_t>(n), 0.0)},
  };
  for (const auto& rows : extremes) {
    TableSequence table(rows);
    auto learner = MakeLearner(learner_spec);
    const GameResult r = Play(*learner, table, n, 500);
    CHECK(std::isfinite(r.points.back().regret));
    CHECK(std::isfinite(r.points.back().pseudo_regret));
    CHECK(r.points.back().pseudo_regret >= -1e-9);  // every expert has the same loss
  }
}

// Conformance shared by every learner: runs a game against the planted
// instance, checks that every point is finite, the memory stays within the
// budget, and that two runs with the same seed agree exactly; p_t stays on
// the simplex and the played expert in its support; invalid losses are
// refused and extreme ones keep every output finite.
inline void CheckConformance(const std::string& learner_spec, int n, int64_t horizon,
                             const std::string& instance_spec = "planted_bernoulli(delta=0.2)") {
  INFO("learner " << learner_spec << " on " << instance_spec << ", n=" << n << ", T=" << horizon
                  << ", seed 7");
  CheckSimplex(learner_spec, instance_spec, n, horizon, std::min<int64_t>(horizon, 64));
  CheckAdversarialLosses(learner_spec, n);
  auto run = [&] {
    auto learner = MakeLearner(learner_spec);
    auto sequence = MakeSequence(instance_spec);
    return PlayGame(*learner, *sequence, n, horizon, {1, horizon / 2, horizon}, TestRng(1, 7),
                    TestRng(2, 7));
  };
  const GameResult a = run();
  const GameResult b = run();
  REQUIRE(a.points.size() == b.points.size());
  for (size_t k = 0; k < a.points.size(); ++k) {
    CHECK(std::isfinite(a.points[k].regret));
    CHECK(std::isfinite(a.points[k].pseudo_regret));
    CHECK(a.points[k].regret == b.points[k].regret);
    CHECK(a.points[k].pseudo_regret == b.points[k].pseudo_regret);
    if (!std::isnan(a.points[k].mean_regret))
      CHECK(a.points[k].mean_regret == b.points[k].mean_regret);
  }
  // Regret is at most T and pseudo-regret is at least -T (losses in [0,1]).
  CHECK(a.points.back().regret <= static_cast<double>(horizon));
  CHECK(a.points.back().pseudo_regret >= -static_cast<double>(horizon));
}

}  // namespace expertlab::experts::testing
