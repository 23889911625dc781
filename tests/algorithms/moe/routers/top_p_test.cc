#include "algorithms/moe/routers/top_p.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeTopP(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("top_p conformance", "[unit][moe][determinism]") {
  for (const char* spec :
       {"top_p", "top_p(p=0.7,strict=false,renormalize=true)", "top_p(p=1,entropy_loss=0.3)"}) {
    INFO(spec);
    testing::CheckRouterConformance([&] { return MakeTopP(spec); });
  }
}

TEST_CASE("top_p selects the minimal set whose mass exceeds p (brute force)", "[theory][moe]") {
  const int64_t T = 40, E = 6;
  const uint64_t seed = 11;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  std::vector<double> z(T * E);
  for (auto& v : z) v = Normal(rng, 0.0, 1.5);
  for (double p : {0.2, 0.4, 0.5, 0.9}) {
    for (bool strict : {true, false}) {
      Routing r;
      MakeTopP("top_p(p=" + std::to_string(p) + ",strict=" + (strict ? "true" : "false") + ")")
          ->Route({T, E, 1, true, nullptr}, z.data(), &r);
      for (int64_t t = 0; t < T; ++t) {
        // Brute force: the smallest m such that the m largest probabilities
        // pass the threshold; the selection is those m experts.
        std::vector<int> order(E);
        std::iota(order.begin(), order.end(), 0);
        const double* pr = r.probs.data() + t * E;
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return pr[a] > pr[b]; });
        int64_t m = 0;
        double mass = 0;
        while (m < E && !(strict ? mass > p : mass >= p)) mass += pr[order[m++]];
        for (int64_t s = 0; s < E; ++s) {
          CHECK(r.Expert(t, s) == (s < m ? order[s] : -1));
          if (s < m) CHECK(r.Weight(t, s) == pr[order[s]]);
        }
      }
    }
  }
}

TEST_CASE("top_p on a hand-computed token", "[theory][moe]") {
  // p = (0.5, 0.3, 0.2) from logits log p: mass 0.5 is not > 0.5, so two
  // experts under the strict rule, one under >=; renormalised weights
  // 0.5/0.8 and 0.3/0.8.
  const std::vector<double> z = {std::log(0.5), std::log(0.3), std::log(0.2)};
  Routing r;
  MakeTopP("top_p(p=0.5)")->Route({1, 3, 1, true, nullptr}, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{0, 1, -1});
  MakeTopP("top_p(p=0.5,strict=false)")->Route({1, 3, 1, true, nullptr}, z.data(), &r);
  CHECK(r.expert == std::vector<int32_t>{0, -1, -1});
  MakeTopP("top_p(p=0.5,renormalize=true)")->Route({1, 3, 1, true, nullptr}, z.data(), &r);
  CHECK(r.weight[0] == Approx(0.625));
  CHECK(r.weight[1] == Approx(0.375));
  // The entropy loss: beta H(p).
  const double h = -(0.5 * std::log(0.5) + 0.3 * std::log(0.3) + 0.2 * std::log(0.2));
  auto router = MakeTopP("top_p(entropy_loss=0.1)");
  router->Route({1, 3, 1, true, nullptr}, z.data(), &r);
  CHECK(router->AuxiliaryLoss({1, 3, 1, true, nullptr}, z.data(), r, nullptr) == Approx(0.1 * h));
}

TEST_CASE("top_p: the layer adds the entropy loss and its gradient (finite differences)",
          "[theory][moe]") {
  MoeConfig config;
  config.d_model = 3;
  config.d_ff = 2;
  config.experts = 4;
  const uint64_t seed = 13;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  MoeLayer<double> layer(config, MakeTopP("top_p(p=0.6,entropy_loss=0.5)"),
                         MoeWeights<double>::Random(config, rng));
  const int64_t T = 5;
  std::vector<double> x(T * 3), c(T * 3), y(T * 3), dx(T * 3);
  for (auto& v : x) v = Normal(rng);
  for (auto& v : c) v = Normal(rng);
  // L = <c, y> + router loss; Backward with dy = c gives dL/dW_r.
  auto loss = [&] {
    MoeState<double> state;
    layer.Forward(x.data(), T, y.data(), &state, true);
    double l = state.stats.router_loss;
    for (int64_t i = 0; i < T * 3; ++i) l += c[i] * y[i];
    return l;
  };
  MoeState<double> state;
  layer.Forward(x.data(), T, y.data(), &state, true);
  CHECK(state.stats.router_loss > 0);
  MoeWeights<double> grads;
  layer.Backward(c.data(), state, dx.data(), &grads);
  for (size_t i = 0; i < grads.router.size(); ++i) {
    const double w0 = layer.weights().router[i];
    layer.mutable_weights().router[i] = w0 + 1e-6;
    const double lp = loss();
    layer.mutable_weights().router[i] = w0 - 1e-6;
    const double lm = loss();
    layer.mutable_weights().router[i] = w0;
    layer.Pack();
    // O(h^2) truncation + ~1e-10 rounding; the selection is locally constant.
    CHECK(grads.router[i] == Approx((lp - lm) / 2e-6).margin(1e-7));
  }
}

TEST_CASE("top_p rejects p <= 0 and p > 1", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeTopP("top_p(p=0)"), Catch::Contains("p"));
  CHECK_THROWS_AS(MakeTopP("top_p(p=1.5)"), Error);
  CHECK_THROWS_AS(MakeTopP("top_p(entropy_loss=-1)"), Error);
}

}  // namespace
}  // namespace expertlab::moe
