#include "algorithms/debate/world.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/debate/expert.h"
#include "algorithms/debate/judge.h"
#include "tests/algorithms/debate/conformance.h"

namespace expertlab::debate {
namespace {

TEST_CASE("world: Poisson draws have mean and variance lambda", "[theory]") {
  // 40000 draws: the sample mean's standard error is sqrt(lambda / 40000);
  // 5 standard errors (a two-sided 6e-7 chance of a false failure).
  for (double lambda : {0.5, 4.0, 30.0}) {
    Rng rng = testing::TestRng(3);
    const int draws = 40000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < draws; ++i) {
      const double k = static_cast<double>(Poisson(rng, lambda));
      sum += k;
      sum2 += k * k;
    }
    const double mean = sum / draws, variance = sum2 / draws - mean * mean;
    CHECK(std::abs(mean - lambda) < 5 * std::sqrt(lambda / draws));
    // Var of the sample variance ~ (mu4 - sigma^4) / N = (lambda + 2 lambda^2) / N.
    CHECK(std::abs(variance - lambda) < 5 * std::sqrt((lambda + 2 * lambda * lambda) / draws));
  }
}

TEST_CASE("world: item counts, refutability and strengths follow the parameters", "[theory]") {
  WorldParams world;
  const int count = 4000;
  double truth = 0, falsehood = 0, refutable_false = 0, log_strength = 0, items = 0;
  for (const Question& question : testing::Questions(count, world, 23))
    for (const Item& item : question.items) {
      items += 1;
      log_strength += std::log(item.strength);
      if (item.side == kTruth) {
        truth += 1;
      } else {
        falsehood += 1;
        refutable_false += item.refutable;
      }
    }
  // 1 + Poisson(lambda) per side: mean counts 6 and 5, standard errors
  // sqrt(lambda / count); 5 of them.
  CHECK(std::abs(truth / count - 6.0) < 5 * std::sqrt(5.0 / count));
  CHECK(std::abs(falsehood / count - 5.0) < 5 * std::sqrt(4.0 / count));
  const double p = refutable_false / falsehood;
  CHECK(std::abs(p - 0.7) < 5 * std::sqrt(0.7 * 0.3 / falsehood));
  CHECK(std::abs(log_strength / items) < 5 * 0.5 / std::sqrt(items));
}

TEST_CASE("world, judge and expert: values outside their ranges name the key", "[unit]") {
  WorldParams world;
  world.refutable_false = 1.5;
  CHECK_THROWS_WITH(CheckWorld(world), Catch::Contains("refutable_false"));
  world = WorldParams{};
  world.lambda_true = -1;
  CHECK_THROWS_WITH(CheckWorld(world), Catch::Contains("lambda_true"));
  CHECK_THROWS_WITH(MakeJudge("oracle", 0.0), Catch::Contains("judge"));
  CHECK_THROWS_WITH(MakeJudge("bayes", 0.5), Catch::Contains("naive_edge"));
  Judge judge;
  judge.tau = 0;
  CHECK_THROWS_WITH(CheckJudge(judge), Catch::Contains("tau"));
  CHECK_THROWS_WITH(CheckExpert({1.2, 1, 0.0, 0.5}), Catch::Contains("skill"));
  CHECK_THROWS_WITH(CheckExpert({0.5, 0, 0.0, 0.5}), Catch::Contains("bon"));
  CHECK_THROWS_WITH(CheckExpert({0.5, 1, -0.1, 0.5}), Catch::Contains("fabrication"));
  CHECK_THROWS_WITH(CheckExpert({0.5, 1, 0.0, 2.0}), Catch::Contains("leak"));
}

}  // namespace
}  // namespace expertlab::debate
