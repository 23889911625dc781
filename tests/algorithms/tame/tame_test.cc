#include "algorithms/tame/tame.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/check.h"

namespace expertlab::tame {
namespace {

TEST_CASE("tame: the switch threshold by hand", "[theory][tame]") {
  SwitchRule rule;
  // (1, 2, 3, 4): mean 2.5, population sd sqrt(1.25); k = 3.
  CHECK(SwitchThreshold({1, 2, 3, 4}, rule) == Approx(2.5 + 3 * std::sqrt(1.25)));
  // A flat window uses the floor 0.005: 0.1 + 3 * 0.005.
  CHECK(SwitchThreshold({0.1, 0.1, 0.1}, rule) == Approx(0.115));
  CHECK_THROWS_WITH(SwitchThreshold({}, rule), Catch::Contains("empty"));
}

TEST_CASE("tame: a loss jump spawns an expert, a return switches back", "[theory][tame]") {
  SwitchRule rule;
  rule.window = 4;
  rule.initial_loss = 0.5;
  SwitchDetector detector(rule);
  // Expert 0 at loss 0.5: smoothed 0.5, window (0.5 x 4), threshold
  // 0.5 + 3 * 0.005 = 0.515; no switch.
  for (int i = 0; i < 10; ++i) CHECK(!detector.Observe({0.5}).switched);
  CHECK(detector.threshold(0) == Approx(0.515));
  // A new task: smoothed 0.2 * 2 + 0.8 * 0.5 = 0.8 > 0.515 and no other
  // expert: expert 1 is spawned and trains on the batch.
  Decision d = detector.Observe({2.0});
  CHECK(d.switched);
  CHECK(d.spawned);
  CHECK(d.expert == 1);
  CHECK(detector.experts() == 2);
  for (int i = 0; i < 10; ++i) CHECK(detector.Observe({2.0, 0.5}).expert == 1);
  // The first task returns: expert 1's smoothed loss 0.2 * 3 + 0.8 * 0.5
  // = 1.1 > 0.515; expert 0's candidate 0.2 * 0.5 + 0.8 * 0.5 = 0.5 is
  // below its frozen 0.515 (its smoothed loss from before the jump), so
  // expert 0 is active again.
  d = detector.Observe({0.5, 3.0});
  CHECK(d.switched);
  CHECK(!d.spawned);
  CHECK(d.expert == 0);
  // A third task where no expert is below its threshold: candidates
  // 0.2 * 3 + 0.8 * 0.5 = 1.0 for both, so expert 2 is spawned.
  d = detector.Observe({3.0, 3.0});
  CHECK(d.spawned);
  CHECK(d.expert == 2);
  CHECK_THROWS_WITH(detector.Observe({0.5}), Catch::Contains("1 losses for 3 experts"));
}

TEST_CASE("tame: the replay buffer keeps the largest priorities per class", "[unit][tame]") {
  Rng rng(51, 0, 0, 0);
  ReplayBuffer buffer(2, 3);
  Eigen::RowVectorXd x(1);
  for (int i = 0; i < 100; ++i) {
    x(0) = i;
    buffer.Offer(x, i % 2, i / 50, rng);
  }
  // Replaying the same priorities: the 3 largest of each class's 50 draws.
  Rng again(51, 0, 0, 0);
  std::vector<std::vector<double>> priorities(2);
  for (int i = 0; i < 100; ++i) priorities[i % 2].push_back(again.Uniform());
  for (int c = 0; c < 2; ++c) {
    std::vector<double> kept;
    for (const auto& e : buffer.entries()[c]) {
      kept.push_back(e.priority);
      CHECK(static_cast<int>(e.x(0)) % 2 == c);
      CHECK(e.expert == static_cast<int>(e.x(0)) / 50);
    }
    std::sort(kept.begin(), kept.end());
    std::sort(priorities[c].rbegin(), priorities[c].rend());
    CHECK(kept == std::vector<double>{priorities[c][2], priorities[c][1], priorities[c][0]});
  }
  CHECK_THROWS_WITH(buffer.Offer(x, 2, 0, rng), Catch::Contains("class 2"));
  CHECK_THROWS_WITH(ReplayBuffer(2, 0), Catch::Contains("capacity"));
}

}  // namespace
}  // namespace expertlab::tame
