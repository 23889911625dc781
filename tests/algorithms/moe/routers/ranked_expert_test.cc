#include "algorithms/moe/routers/ranked_expert.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <vector>

#include "sim/registry.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

TEST_CASE("ranked_expert conformance", "[unit][moe][determinism]") {
  testing::CheckRouterConformance(
      [] { return Registry<Router>::Instance().Create("ranked_expert(rank=2)"); });
}

TEST_CASE("ranked_expert runs each token's rank-th expert with weight 1", "[theory][moe]") {
  // Probabilities (0.1, 0.6, 0.3) and (0.5, 0.2, 0.3): the second most
  // probable experts are 2 and 2, the third 0 and 1.
  std::vector<double> z;
  for (double p : {0.1, 0.6, 0.3, 0.5, 0.2, 0.3}) z.push_back(std::log(p));
  const RouterContext context{2, 3, 2, false, nullptr};
  Routing r;
  Registry<Router>::Instance().Create("ranked_expert(rank=2)")->Route(context, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{2, 2});
  CHECK(r.weight == std::vector<double>{1.0, 1.0});
  CHECK(r.probs[1] == Approx(0.6));
  Registry<Router>::Instance().Create("ranked_expert(rank=3)")->Route(context, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{0, 1});
  CHECK_THROWS_WITH(
      Registry<Router>::Instance().Create("ranked_expert(rank=4)")->Route(context, z.data(), &r),
      Catch::Contains("rank"));
}

}  // namespace
}  // namespace expertlab::moe
