#include "algorithms/moe/routers/expert_choice.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeEc(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("expert_choice conformance", "[unit][moe][determinism]") {
  for (const char* spec : {"expert_choice", "expert_choice(capacity_factor=0.5)"}) {
    INFO(spec);
    testing::CheckRouterConformance([&] { return MakeEc(spec); });
  }
}

TEST_CASE("expert_choice fills every expert with exactly C tokens, its top C", "[theory][moe]") {
  const int64_t T = 24, E = 4;
  const uint64_t seed = 23;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  std::vector<double> z(T * E);
  for (auto& v : z) v = Normal(rng);
  for (double c : {0.5, 1.0, 2.0, 3.0}) {
    INFO("capacity factor " << c);
    Routing r;
    MakeEc("expert_choice(capacity_factor=" + std::to_string(c) + ")")
        ->Route({T, E, 1, true, nullptr}, z.data(), &r);
    const int64_t C = static_cast<int64_t>(c * T / E);  // exact: c T / E is an integer here
    int64_t total = 0;
    for (int64_t e = 0; e < E; ++e) {
      // Brute force: the C tokens of largest p[., e].
      std::vector<int> order(T);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](int a, int b) { return r.probs[a * E + e] > r.probs[b * E + e]; });
      std::vector<int> expected(order.begin(), order.begin() + C), got;
      for (int64_t t = 0; t < T; ++t)
        for (int64_t s = 0; s < E; ++s)
          if (r.Expert(t, s) == e) {
            got.push_back(static_cast<int>(t));
            CHECK(r.Weight(t, s) == r.probs[t * E + e]);
          }
      std::sort(expected.begin(), expected.end());
      CHECK(got == expected);
      total += static_cast<int64_t>(got.size());
    }
    CHECK(total == C * E);  // average c experts per token
  }
}

TEST_CASE("expert_choice on a hand-computed group", "[theory][moe]") {
  // 4 tokens, 2 experts, c = 1: C = 2 tokens each. p = (0.5, 0.5),
  // (0.9, 0.1), (0.1, 0.9), (0.5, 0.5): expert 0 takes token 1 and then,
  // of the tied tokens 0 and 3, the lower; expert 1 token 2 and token 0.
  // Token 0 gets both experts, token 3 none.
  const std::vector<double> p = {0.5, 0.5, 0.9, 0.1, 0.1, 0.9, 0.5, 0.5};
  std::vector<double> z(8);
  for (int i = 0; i < 8; ++i) z[i] = std::log(p[i]);
  Routing r;
  MakeEc("expert_choice(capacity_factor=1)")->Route({4, 2, 1, true, nullptr}, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{0, 1, 0, -1, 1, -1, -1, -1});
  CHECK(r.weight[0] == Approx(0.5));
  CHECK(r.weight[1] == Approx(0.5));
  CHECK(r.weight[2] == Approx(0.9));
}

TEST_CASE("expert_choice rejects a capacity factor <= 0", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeEc("expert_choice(capacity_factor=0)"), Catch::Contains("capacity_factor"));
}

}  // namespace
}  // namespace expertlab::moe
