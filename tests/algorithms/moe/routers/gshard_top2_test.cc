#include "algorithms/moe/routers/gshard_top2.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeGshard(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("gshard_top2 conformance", "[unit][moe][determinism]") {
  testing::ConformanceOptions sampled;
  sampled.deterministic = false;
  testing::CheckRouterConformance([] { return MakeGshard("gshard_top2"); }, sampled);
  testing::CheckRouterConformance([] { return MakeGshard("gshard_top2(policy=all)"); });
}

TEST_CASE("gshard_top2 renormalises the pair (hand-computed)", "[theory][moe]") {
  // p = (0.2, 0.5, 0.3): first expert 1, second 2, weights 0.5/0.8, 0.3/0.8.
  const std::vector<double> z = {std::log(0.2), std::log(0.5), std::log(0.3)};
  Routing r;
  MakeGshard("gshard_top2(policy=all)")->Route({1, 3, 2, true, nullptr}, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{1, 2});
  CHECK(r.weight[0] == Approx(0.625));
  CHECK(r.weight[1] == Approx(0.375));
}

TEST_CASE("gshard_top2 keeps the second expert with probability min(1, g2 / theta)",
          "[theory][moe]") {
  // E = 2, logits (a, 0): g2 = 1 / (1 + e^a). Over N tokens the kept share
  // has sd at most 0.5 / sqrt(N) = 0.0035; 5 of them fail a correct router
  // with probability below 1e-6.
  const int64_t N = 20000;
  const uint64_t seed = 37;
  INFO("seed " << seed);
  for (double a : {0.5, 1.5, 3.0}) {
    for (double theta : {0.2, 0.5}) {
      std::vector<double> z(2 * N, 0.0);
      for (int64_t t = 0; t < N; ++t) z[2 * t] = a;
      Rng rng(seed, 0, 0, 0);
      Routing r;
      MakeGshard("gshard_top2(theta=" + std::to_string(theta) + ")")
          ->Route({N, 2, 2, true, &rng}, z.data(), &r);
      int64_t kept = 0;
      for (int64_t t = 0; t < N; ++t) kept += r.Expert(t, 1) == 1;
      const double g2 = 1.0 / (1.0 + std::exp(a));
      INFO("a = " << a << ", theta = " << theta);
      CHECK(std::abs(double(kept) / N - std::min(1.0, g2 / theta)) <
            5 * 0.5 / std::sqrt(double(N)));
    }
  }
}

TEST_CASE("gshard_top2 rejects bad input", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeGshard("gshard_top2(theta=0)"), Catch::Contains("theta"));
  CHECK_THROWS_AS(MakeGshard("gshard_top2(policy=first)"), Error);
  CHECK_THROWS_AS(MakeGshard("gshard_top2")->Slots(2, 1), Error);
}

}  // namespace
}  // namespace expertlab::moe
