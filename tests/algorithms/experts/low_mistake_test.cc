#include "algorithms/experts/low_mistake.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("low_mistake: the best expert errs exactly M times", "[unit][theory]") {
  for (const char* placement : {"bursts", "spread"}) {
    for (int mistakes : {0, 1, 7, 100}) {
      auto seq = testing::MakeSequence(std::string("low_mistake(placement=") + placement +
                                       ", bursts=3, mistakes=" + std::to_string(mistakes) + ")");
      seq->Start(20, 1000, testing::TestRng(2, mistakes));
      const auto& lm = dynamic_cast<const LowMistake&>(*seq);
      double total = 0;
      for (int64_t t = 1; t <= 1000; ++t) total += seq->Loss(t, lm.best());
      INFO(placement << ", M = " << mistakes);
      CHECK(total == mistakes);
      if (std::string(placement) == "bursts" && mistakes > 0) {
        // At most 3 maximal runs (fewer if runs touch).
        int runs = 0;
        const auto& days = lm.mistake_days();
        for (size_t k = 0; k < days.size(); ++k) runs += k == 0 || days[k] != days[k - 1] + 1;
        CHECK(runs <= 3);
      }
    }
  }
}

TEST_CASE("low_mistake: others are fair coins and Accumulate agrees", "[unit][theory]") {
  // n = 20, T = 20000, seed 4: fair experts' means within 4.5 se of 1/2.
  auto seq = testing::MakeSequence("low_mistake(mistakes=5)");
  const int n = 20;
  seq->Start(n, 20000, testing::TestRng(2, 4));
  Eigen::ArrayXd fast = Eigen::ArrayXd::Zero(n);
  seq->Accumulate(1, 20000, fast);
  Eigen::ArrayXd slow = Eigen::ArrayXd::Zero(n);
  for (int64_t t = 1; t <= 20000; ++t)
    for (int i = 0; i < n; ++i) slow[i] += seq->Loss(t, i);
  CHECK((fast - slow).abs().maxCoeff() == 0);
  const int best = seq->Comparator();
  for (int i = 0; i < n; ++i)
    if (i != best) CHECK(std::fabs(fast[i] / 20000 - 0.5) < 4.5 * 0.5 / std::sqrt(20000.0));
  CHECK(fast[best] == 5);
  // Partial ranges.
  Eigen::ArrayXd part = Eigen::ArrayXd::Zero(n);
  seq->Accumulate(100, 130, part);
  Eigen::ArrayXd expected = Eigen::ArrayXd::Zero(n);
  for (int64_t t = 100; t <= 130; ++t)
    for (int i = 0; i < n; ++i) expected[i] += seq->Loss(t, i);
  CHECK((part - expected).abs().maxCoeff() == 0);
}

TEST_CASE("low_mistake rejects M > T", "[unit][determinism]") {
  auto seq = testing::MakeSequence("low_mistake(mistakes=50)");
  CHECK_THROWS_AS(seq->Start(10, 20, testing::TestRng(2)), Error);
  testing::CheckConformance("hedge", 20, 1000, "low_mistake(mistakes=5)");
}

}  // namespace
}  // namespace expertlab::experts
