#include "algorithms/moe/routers/hmoe.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeHmoe(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("hmoe conformance, top-k and top-p", "[unit][moe][determinism]") {
  testing::CheckRouterConformance([] { return MakeHmoe("hmoe(penalty=0.3)"); });
  testing::CheckRouterConformance([] { return MakeHmoe("hmoe(p=0.6,penalty=0.3)"); });
}

TEST_CASE("hmoe's P-Penalty on hand-computed tokens", "[theory][moe]") {
  // E = 2 experts of relative widths c = (0.5, 1.5), k = 1. Token 0:
  // P = (0.7, 0.3) -> expert 0; token 1: P = (0.2, 0.8) -> expert 1.
  // M = (0.5 / 2, 1.5 / 2) = (0.25, 0.75), Phat = (0.45, 0.55),
  // L_PP = penalty E (0.25 x 0.45 + 0.75 x 0.55) = penalty x 1.05; with
  // equal widths M = (0.5, 0.5) and L_PP = penalty x 1.0.
  std::vector<double> z;
  for (double p : {0.7, 0.3, 0.2, 0.8}) z.push_back(std::log(p));
  const std::vector<double> cost = {0.5, 1.5};
  auto router = MakeHmoe("hmoe(penalty=0.2)");
  const RouterContext sized{2, 2, 1, true, nullptr, cost.data()};
  const RouterContext equal{2, 2, 1, true, nullptr};
  Routing r;
  router->Route(sized, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{0, 1});
  CHECK(r.weight == std::vector<double>{1.0, 1.0});  // renormalised over one expert
  CHECK(router->AuxiliaryLoss(sized, z.data(), r, nullptr) == Approx(0.2 * 1.05));
  CHECK(router->AuxiliaryLoss(equal, z.data(), r, nullptr) == Approx(0.2 * 1.0));

  // Its gradient against central differences (equal widths: the helper's
  // context), k = 2 of 6.
  Rng rng(3, 0, 0, 0);
  std::vector<double> logits(7 * 6);
  for (auto& v : logits) v = Normal(rng);
  testing::CheckAuxiliaryLossGradient([] { return MakeHmoe("hmoe(penalty=0.4)"); }, 7, 6, 2, logits,
                                      0, 8);
}

TEST_CASE(
    "hmoe's P-Penalty is k times the Switch balance loss at equal widths, and it weighs "
    "wide experts by their width",
    "[theory][moe]") {
  MoeConfig config;
  config.d_model = 6;
  config.d_ff = 8;
  config.experts = 4;
  config.top_k = 2;
  Rng rng(21, 0, 0, 0);
  auto weights = MoeWeights<double>::Random(config, rng, 3.0);
  std::vector<double> x(10 * 6), y(x.size());
  for (auto& v : x) v = Normal(rng);
  MoeState<double> state;
  MoeLayer<double> uniform(config, MakeHmoe("hmoe(penalty=0.1)"), weights);
  uniform.Forward(x.data(), 10, y.data(), &state);
  CHECK(state.stats.router_loss == Approx(0.1 * 2 * state.stats.balance_loss));
  // Widths (4, 4, 4, 20): mean 8, costs (0.5, 0.5, 0.5, 2.5). The same
  // routing (the router weights are equal), so L_PP = 0.1 E sum_i M_i
  // Phat_i with the counts of the uniform run, weighted by cost.
  config.expert_widths = {4, 4, 4, 20};
  auto hetero_weights = MoeWeights<double>::Random(config, rng, 3.0);
  hetero_weights.router = weights.router;
  MoeLayer<double> hetero(config, MakeHmoe("hmoe(penalty=0.1)"), hetero_weights);
  MoeState<double> hs;
  hetero.Forward(x.data(), 10, y.data(), &hs);
  const double cost[] = {0.5, 0.5, 0.5, 2.5};
  double expected = 0;
  for (int64_t e = 0; e < 4; ++e) {
    double p_hat = 0;
    for (int64_t t = 0; t < 10; ++t) p_hat += hs.routing.probs[t * 4 + e] / 10;
    expected += double(hs.stats.load[e]) / 10 * cost[e] * p_hat;
  }
  CHECK(hs.routing.expert == state.routing.expert);
  CHECK(hs.stats.router_loss == Approx(0.1 * 4 * expected));
}

TEST_CASE("hmoe's width spreads are the paper's at equal total width, and bad spreads are errors",
          "[unit][moe]") {
  MoeConfig keyed;
  keyed.d_model = 4;
  keyed.d_ff = 32;
  keyed.experts = 8;
  keyed.top_k = 2;
  // Arithmetic 9:11:...:23 sums to 128 = 4 x 32, so the widths are 2 x
  // (9, 11, ..., 23); hybrid 1:1:1:1:2:2:4:4 sums to 16 = 8 x 32 / 16.
  CHECK(HeterogeneousWidths(keyed, "arithmetic").expert_widths ==
        std::vector<int64_t>{18, 22, 26, 30, 34, 38, 42, 46});
  CHECK(HeterogeneousWidths(keyed, "hybrid").expert_widths ==
        std::vector<int64_t>{16, 16, 16, 16, 32, 32, 64, 64});
  CHECK(HeterogeneousWidths(keyed, "uniform").expert_widths.empty());
  CHECK(MakeHmoe("hmoe(sizes=arithmetic)")->LayerShape(keyed).expert_widths.size() == 8);
  CHECK(LayerShapeFor("hmoe(sizes=hybrid)", keyed).expert_widths.back() == 64);
  keyed.experts = 6;
  CHECK_THROWS_WITH(HeterogeneousWidths(keyed, "hybrid"), Catch::Contains("E = 6"));
  keyed.experts = 8;
  keyed.d_ff = 1;
  CHECK_THROWS_WITH(HeterogeneousWidths(keyed, "hybrid"), Catch::Contains("too small"));
  CHECK_THROWS_WITH(MakeHmoe("hmoe(sizes=geometric)"), Catch::Contains("sizes"));
}

}  // namespace
}  // namespace expertlab::moe
