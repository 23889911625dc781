#include "algorithms/moe/routers/sam.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeSam(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

std::vector<double> LogitsOf(const std::vector<double>& probs) {
  std::vector<double> z;
  for (double p : probs) z.push_back(std::log(p));
  return z;
}

TEST_CASE("sam conformance", "[unit][moe][determinism]") {
  // One group admits every (k, E) of the conformance shapes; the grouped
  // cases and the alignment loss are checked below.
  testing::CheckRouterConformance([] { return MakeSam("sam(groups=1)"); });
}

TEST_CASE("sam switches to the group of largest mass, not the group of the top expert",
          "[theory][moe]") {
  // E = 4 in G = 2 groups {0, 1}, {2, 3}, k = 2.
  // Token 0: p = (0.35, 0.05, 0.3, 0.3). Expert 0 is the global top-1, but
  //   the masses are 0.4 vs 0.6, so group 1: experts 2, 3 (tie: lower
  //   first), weights 0.3, 0.3. Alignment: outside the group only p_0 = 0.35
  //   exceeds the k-th selected 0.3, by 0.05.
  // Token 1: p = (0.1, 0.45, 0.25, 0.2): masses 0.55 vs 0.45, group 0:
  //   experts 1, 0 with 0.45, 0.1; outside, 0.25 and 0.2 exceed 0.1 by 0.15
  //   and 0.1.
  // L_align = align (0.05 + 0.25) / T = 0.15 align.
  const std::vector<double> z = LogitsOf({0.35, 0.05, 0.3, 0.3, 0.1, 0.45, 0.25, 0.2});
  auto router = MakeSam("sam(groups=2,align=0.4)");
  const RouterContext ctx{2, 4, 2, true, nullptr};
  Routing r;
  router->Route(ctx, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{2, 3, 1, 0});
  CHECK(r.weight[0] == Approx(0.3));
  CHECK(r.weight[1] == Approx(0.3));
  CHECK(r.weight[2] == Approx(0.45));
  CHECK(r.weight[3] == Approx(0.1));
  CHECK(router->AuxiliaryLoss(ctx, z.data(), r, nullptr) == Approx(0.4 * 0.15));

  // One group is top-k softmax with raw weights; groups of one expert
  // (k = 1) pick the most probable expert too.
  Rng rng(9, 0, 0, 0);
  const int64_t T = 9, E = 6;
  std::vector<double> logits(T * E);
  for (auto& v : logits) v = Normal(rng);
  Routing sam, top;
  const RouterContext two{T, E, 2, true, nullptr}, one{T, E, 1, true, nullptr};
  MakeSam("sam(groups=1)")->Route(two, logits.data(), &sam);
  MakeSam("topk_softmax")->Route(two, logits.data(), &top);
  CHECK(sam.expert == top.expert);
  CHECK(sam.weight == top.weight);
  MakeSam("sam(groups=6)")->Route(one, logits.data(), &sam);
  MakeSam("topk_softmax")->Route(one, logits.data(), &top);
  CHECK(sam.expert == top.expert);
}

TEST_CASE("sam keeps every token inside one group, and its alignment gradient is exact",
          "[theory][moe]") {
  Rng rng(17, 0, 0, 0);
  const int64_t T = 11, E = 8, k = 2;
  std::vector<double> logits(T * E);
  for (auto& v : logits) v = 2.0 * Normal(rng);
  Routing r;
  MakeSam("sam(groups=4)")->Route({T, E, k, true, nullptr}, logits.data(), &r);
  for (int64_t t = 0; t < T; ++t) CHECK(r.Expert(t, 0) / 2 == r.Expert(t, 1) / 2);
  testing::CheckAuxiliaryLossGradient([] { return MakeSam("sam(groups=4,align=0.7)"); }, T, E, k,
                                      logits, 0, 3);
  testing::CheckAuxiliaryLossGradient([] { return MakeSam("sam(groups=2,align=0.3)"); }, T, E, 3,
                                      logits, 0, 4);
}

TEST_CASE("sam refuses groups that do not divide E and k larger than a group", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeSam("sam(groups=3)")->Slots(2, 8),
                    Catch::Contains("groups = 3") && Catch::Contains("E = 8"));
  CHECK_THROWS_WITH(MakeSam("sam(groups=4)")->Slots(3, 8), Catch::Contains("[1, 2]"));
  MoeConfig config;
  config.d_model = 4;
  config.d_ff = 4;
  config.experts = 6;
  config.top_k = 2;
  CHECK_THROWS_WITH(MoeLayer<float>(config, MakeSam("sam(groups=4)")),
                    Catch::Contains("groups = 4"));
}

}  // namespace
}  // namespace expertlab::moe
