// Helpers shared by the experts family's tests: tiny learners and
// sequences with known behaviour, and conformance checks every learner's
// test calls.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
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

// Conformance shared by every learner: runs a game against the planted
// instance, checks that every point is finite, the memory stays within the
// budget, and that two runs with the same seed agree exactly.
inline void CheckConformance(const std::string& learner_spec, int n, int64_t horizon,
                             const std::string& instance_spec = "planted_bernoulli(delta=0.2)") {
  INFO("learner " << learner_spec << " on " << instance_spec << ", n=" << n << ", T=" << horizon
                  << ", seed 7");
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
