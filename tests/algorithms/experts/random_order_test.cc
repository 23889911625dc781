#include "algorithms/experts/random_order.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("random_order means follow the construction", "[unit][theory]") {
  // K = 4, delta = 0.1, n = 40, T = 400: a decoy averages exactly 1/2 over
  // the T fixed days, i* averages 1/2 - delta, and in sorted order each
  // phase's own group has mean 1/2 - 2 delta.
  auto seq = testing::MakeSequence("random_order(delta=0.1, phases=4)");
  seq->Start(40, 400, testing::TestRng(2));
  const auto& ro = dynamic_cast<const RandomOrder&>(*seq);
  const int star = seq->Comparator();
  for (int i = 0; i < 40; ++i) {
    double total = 0;
    for (int64_t t = 1; t <= 400; ++t) total += seq->Mean(t, i);
    CHECK(total / 400 == Approx(i == star ? 0.4 : 0.5).epsilon(1e-12));
  }
  // The shown days are a permutation of the source days.
  std::set<int64_t> days;
  for (int64_t t = 1; t <= 400; ++t) days.insert(ro.SourceDay(t));
  CHECK(days.size() == 400);
  CHECK(*days.begin() == 1);
  CHECK(*days.rbegin() == 400);
}

TEST_CASE("random_order losses are Bernoulli of the means", "[unit][theory]") {
  // Sorted order, n = 30, T = 40000, seed 2: each expert's empirical loss
  // in each phase is within 4.5 standard errors (sd <= 0.5/sqrt(10000)) of
  // its phase mean.
  auto seq = testing::MakeSequence("random_order(delta=0.1, phases=4, order=sorted)");
  const int n = 30;
  const int64_t horizon = 40000;
  seq->Start(n, horizon, testing::TestRng(2));
  const auto& ro = dynamic_cast<const RandomOrder&>(*seq);
  const double se = 0.5 / std::sqrt(10000.0);
  for (int i = 0; i < n; ++i) {
    for (int phase = 0; phase < 4; ++phase) {
      double total = 0;
      const int64_t first = phase * 10000 + 1;
      for (int64_t t = first; t < first + 10000; ++t) total += seq->Loss(t, i);
      INFO("expert " << i << " group " << ro.Group(i) << " phase " << phase);
      CHECK(std::fabs(total / 10000 - seq->Mean(first, i)) < 4.5 * se);
    }
  }
}

TEST_CASE("random_order is deterministic", "[determinism]") {
  testing::CheckConformance("hedge", 20, 1000, "random_order(delta=0.1)");
  CHECK_THROWS_AS(Registry<LossSequence>::Instance().Validate("random_order(delta=0.3)"), Error);
}

}  // namespace
}  // namespace expertlab::experts
