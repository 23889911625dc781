#include "algorithms/experts/mw.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/experts/hedge.h"
#include "tests/algorithms/experts/test_util.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {
namespace {

TEST_CASE("MW cost <= (1 + eps) L_i + ln n / eps for every expert", "[theory]") {
  // AHK Thm 2.1 holds pathwise for every expert i, not only the best.
  for (const char* spec : {"mw", "mw(eps=0.5)", "mw(eps=0.01)"}) {
    for (const char* instance :
         {"ftl_trap", "planted_bernoulli(delta=0.1)", "random_order(delta=0.1, order=sorted)"}) {
      const int n = 20;
      const int64_t horizon = 5000;
      auto learner = testing::MakeLearner(spec);
      auto sequence = testing::MakeSequence(instance);
      const GameResult r = testing::Play(*learner, *sequence, n, horizon);
      const double eps = dynamic_cast<const MultiplicativeWeights&>(*learner).eps();
      INFO(spec << " on " << instance);
      // Every expert's total: recompute from the oblivious sequence.
      for (int i = 0; i < n; ++i) {
        double total = 0;
        for (int64_t t = 1; t <= horizon; ++t) total += sequence->Loss(t, i);
        CHECK(r.expected_loss <= theory::MwCostBound(n, eps, total));
      }
    }
  }
}

TEST_CASE("MW is Hedge with eta = -ln(1 - eps)", "[unit][theory]") {
  auto mw = testing::MakeLearner("mw(eps=0.3)");
  auto hedge = testing::MakeLearner("hedge(eta=" + std::to_string(-std::log(0.7)) + ")");
  auto s1 = testing::MakeSequence("planted_bernoulli(delta=0.2)");
  auto s2 = testing::MakeSequence("planted_bernoulli(delta=0.2)");
  const GameResult a = testing::Play(*mw, *s1, 10, 500);
  const GameResult b = testing::Play(*hedge, *s2, 10, 500);
  // to_string keeps 6 decimals of eta: 1e-6 relative on a 500-day total.
  CHECK(a.expected_loss == Approx(b.expected_loss).epsilon(1e-5));
}

TEST_CASE("MW conformance and determinism", "[unit][determinism]") {
  testing::CheckConformance("mw", 40, 2000);
  CHECK_THROWS_AS(Registry<ExpertsLearner>::Instance().Validate("mw(eps=0.6)"), Error);
}

}  // namespace
}  // namespace expertlab::experts
