#include "algorithms/moe/noisy_topk.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "algorithms/moe/topk_softmax.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> Make(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("noisy_topk conformance", "[unit][moe][determinism]") {
  // With noise it draws from the stream: same stream, same routing; none is refused.
  testing::ConformanceOptions noisy;
  noisy.deterministic = false;
  testing::CheckRouterConformance([] { return Make("noisy_topk(noise=0.7)"); }, noisy);
  // Without noise it is a pure function of the logits.
  testing::CheckRouterConformance([] { return Make("noisy_topk(noise=0)"); });
}

TEST_CASE("noisy_topk without noise is renormalised top-k softmax", "[theory][moe]") {
  const int64_t T = 12, E = 7;
  Rng rng(3, 0, 0, 0);
  std::vector<double> z(T * E);
  for (auto& v : z) v = Normal(rng, 0.0, 2.0);
  for (int64_t k = 1; k <= E; ++k) {
    Routing noisy, plain;
    Make("noisy_topk(noise=0)")->Route({T, E, k, true, nullptr}, z.data(), &noisy);
    TopKSoftmax(true).Route({T, E, k, true, nullptr}, z.data(), &plain);
    CHECK(noisy.expert == plain.expert);
    for (size_t i = 0; i < plain.weight.size(); ++i)
      CHECK(noisy.weight[i] == Approx(plain.weight[i]).epsilon(1e-12));
  }
}

TEST_CASE("noisy_topk picks an expert with the Gaussian probability", "[theory][moe]") {
  // Two experts, k = 1, logits (a, 0): expert 0 is kept iff a + sigma e0 >
  // sigma e1, with probability Phi(a / (sigma sqrt 2)). Over N tokens the
  // kept fraction has standard deviation at most 0.5 / sqrt(N) = 0.0035;
  // 5 of them (0.018) fail a correct router with probability below 1e-6.
  const int64_t N = 20000;
  const uint64_t seed = 17;
  INFO("seed " << seed);
  for (double a : {0.0, 0.5, 2.0}) {
    for (double sigma : {0.5, 1.0}) {
      std::vector<double> z(2 * N);
      for (int64_t t = 0; t < N; ++t) z[2 * t] = a;
      Rng rng(seed, 0, 0, 0);
      Routing r;
      Make("noisy_topk(noise=" + std::to_string(sigma) + ")")
          ->Route({N, 2, 1, true, &rng}, z.data(), &r);
      int64_t kept = 0;
      for (int64_t t = 0; t < N; ++t) {
        kept += r.Expert(t, 0) == 0;
        CHECK(r.Weight(t, 0) == 1.0);
      }
      const double expected = 0.5 * std::erfc(-a / (sigma * std::sqrt(2.0)) / std::sqrt(2.0));
      INFO("a = " << a << ", sigma = " << sigma);
      CHECK(std::abs(double(kept) / N - expected) < 5 * 0.5 / std::sqrt(double(N)));
    }
  }
}

TEST_CASE("noisy_topk rejects a bad noise or k", "[unit][moe]") {
  CHECK_THROWS_AS(Make("noisy_topk(noise=-1)"), Error);
  CHECK_THROWS_AS(Make("noisy_topk")->Slots(3, 2), Error);
}

}  // namespace
}  // namespace expertlab::moe
