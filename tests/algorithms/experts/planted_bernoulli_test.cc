#include "algorithms/experts/planted_bernoulli.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("planted_bernoulli statistics match its definition", "[unit][theory]") {
  // n = 50 experts, T = 40000 days, seed 2. Planted mean 1/2 - 0.15 and
  // fair means 1/2, each within 4.5 standard errors (sd of a Bernoulli mean
  // over T days <= 0.5/sqrt(T) = 0.0025); with 50 experts the chance that a
  // correct generator trips any check is ~3e-4.
  auto seq = testing::MakeSequence("planted_bernoulli(delta=0.15)");
  const int n = 50;
  const int64_t horizon = 40000;
  seq->Start(n, horizon, testing::TestRng(2));
  const auto& planted = dynamic_cast<const PlantedBernoulli&>(*seq);
  const int star = planted.planted();
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(n);
  seq->Accumulate(1, horizon, cumulative);
  const double se = 0.5 / std::sqrt(static_cast<double>(horizon));
  for (int i = 0; i < n; ++i) {
    const double mean = cumulative[i] / horizon;
    INFO("expert " << i << (i == star ? " (planted)" : ""));
    CHECK(std::fabs(mean - seq->Mean(1, i)) < 4.5 * se);
  }
  CHECK(seq->Mean(7, star) == 0.35);
  CHECK(seq->Comparator() == star);
  // Adjacent days of a fair expert are uncorrelated: P(l_t = l_{t+1}) = 1/2.
  const int fair = star == 0 ? 1 : 0;
  int64_t same = 0;
  for (int64_t t = 1; t < horizon; ++t) same += seq->Loss(t, fair) == seq->Loss(t + 1, fair);
  CHECK(std::fabs(static_cast<double>(same) / (horizon - 1) - 0.5) < 4.5 * se);
}

TEST_CASE("the planted expert is uniform over experts", "[unit][theory]") {
  // 8 experts, 4000 seeds: chi-square on 7 dof; 24.3 is the 0.999 quantile.
  std::vector<int> counts(8, 0);
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    PlantedBernoulli seq(
        Registry<LossSequence>::Instance().ParseParams("planted_bernoulli", nullptr));
    seq.Start(8, 10, testing::TestRng(2, seed));
    ++counts[seq.planted()];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 500.0) * (c - 500.0) / 500.0;
  CHECK(chi2 < 24.3);
}

TEST_CASE("Loss, Fill and Accumulate agree on every range", "[unit]") {
  auto seq = testing::MakeSequence("planted_bernoulli(delta=0.2)");
  const int n = 13;
  seq->Start(n, 500, testing::TestRng(2, 9));
  Eigen::ArrayXd day(n);
  Eigen::ArrayXd by_fill = Eigen::ArrayXd::Zero(n);
  std::vector<Eigen::ArrayXd> prefix = {by_fill};
  for (int64_t t = 1; t <= 300; ++t) {
    seq->Fill(t, day);
    for (int i = 0; i < n; ++i) REQUIRE(day[i] == seq->Loss(t, i));
    by_fill += day;
    prefix.push_back(by_fill);
  }
  // Ranges that start and end inside 64-day blocks and span several.
  for (auto [first, last] : std::vector<std::pair<int64_t, int64_t>>{
           {1, 1}, {1, 64}, {64, 65}, {3, 200}, {65, 128}, {100, 300}}) {
    Eigen::ArrayXd acc = Eigen::ArrayXd::Zero(n);
    seq->Accumulate(first, last, acc);
    const Eigen::ArrayXd expected = prefix[last] - prefix[first - 1];
    INFO("days " << first << ".." << last);
    CHECK((acc - expected).abs().maxCoeff() == 0.0);
  }
}

TEST_CASE("planted_bernoulli is reproducible from its stream", "[determinism]") {
  auto a = testing::MakeSequence("planted_bernoulli(delta=0.2)");
  auto b = testing::MakeSequence("planted_bernoulli(delta=0.2)");
  a->Start(30, 100, testing::TestRng(2, 5));
  b->Start(30, 100, testing::TestRng(2, 5));
  for (int64_t t = 1; t <= 100; ++t)
    for (int i = 0; i < 30; ++i) CHECK(a->Loss(t, i) == b->Loss(t, i));
  testing::CheckConformance("hedge", 30, 1000, "planted_bernoulli(delta=0.2)");
}

TEST_CASE("delta outside (0, 1/2) is rejected at parse time", "[unit]") {
  auto& registry = Registry<LossSequence>::Instance();
  for (const char* bad : {"planted_bernoulli(delta=0)", "planted_bernoulli(delta=0.5)",
                          "planted_bernoulli(delta=-0.1)", "planted_bernoulli(delta=0.7)"})
    CHECK_THROWS_AS(registry.Validate(bad), Error);
  CHECK_NOTHROW(registry.Validate("planted_bernoulli(delta=0.49)"));
}

}  // namespace
}  // namespace expertlab::experts
