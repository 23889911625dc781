#include "algorithms/moe/routers/switch.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "algorithms/moe/layer.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeSwitch(const char* spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("switch conformance", "[unit][moe][determinism]") {
  testing::ConformanceOptions top1;
  top1.top_k = 1;
  testing::CheckRouterConformance([] { return MakeSwitch("switch"); }, top1);
}

TEST_CASE("switch keeps the most probable expert with weight p, by hand", "[theory][moe]") {
  // z = (0, ln 2, 0): p = (1/4, 1/2, 1/4), expert 1 with weight 1/2.
  const std::vector<double> z = {0.0, std::log(2.0), 0.0};
  auto router = MakeSwitch("switch");
  Routing r;
  router->Route({1, 3, 1, true, nullptr}, z.data(), &r);
  CHECK(r.Expert(0, 0) == 1);
  CHECK(r.Weight(0, 0) == Approx(0.5).epsilon(1e-15));
  CHECK(router->InputJitter() == 0.01);
}

// A one-expert-per-token layer whose router is `spec`.
MoeLayer<double> SwitchLayer(const char* spec, Rng& rng) {
  MoeConfig config;
  config.d_model = 6;
  config.d_ff = 4;
  config.experts = 3;
  config.top_k = 1;
  return MoeLayer<double>(config, MakeSwitch(spec), MoeWeights<double>::Random(config, rng, 2.0));
}

TEST_CASE("switch jitter: the router sees x times U(1 - eps, 1 + eps) in training only",
          "[theory][moe]") {
  const uint64_t seed = 91;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  auto layer = SwitchLayer("switch(jitter=0.3)", rng);
  const int64_t T = 5, d = 6, E = 3;
  std::vector<double> x(T * d), y(T * d);
  for (double& v : x) v = Normal(rng);
  MoeState<double> state;
  Rng draws(seed, 1, 0, 0);
  layer.Forward(x.data(), T, y.data(), &state, true, &draws);
  // The same stream replayed: u entry by entry, token-major.
  Rng replay(seed, 1, 0, 0);
  const auto& w = layer.weights().router;
  double lowest = 2, highest = 0;
  for (int64_t t = 0; t < T; ++t) {
    std::vector<double> u(d);
    for (double& v : u) {
      v = 1.0 + 0.3 * (2.0 * replay.Uniform() - 1.0);
      lowest = std::min(lowest, v);
      highest = std::max(highest, v);
    }
    for (int64_t e = 0; e < E; ++e) {
      double logit = 0;
      for (int64_t j = 0; j < d; ++j) logit += x[t * d + j] * u[j] * w[j * E + e];
      CHECK(state.logits[t * E + e] == Approx(logit).epsilon(1e-12));
    }
  }
  CHECK(lowest >= 0.7);
  CHECK(highest <= 1.3);
  CHECK(highest - lowest > 0.3);  // the draws spread over the interval
  // At inference the logits are x W_r exactly, and no stream is needed.
  layer.Forward(x.data(), T, y.data(), &state, false, nullptr);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t e = 0; e < E; ++e) {
      double logit = 0;
      for (int64_t j = 0; j < d; ++j) logit += x[t * d + j] * w[j * E + e];
      CHECK(state.logits[t * E + e] == Approx(logit).epsilon(1e-12));
    }
}

TEST_CASE("switch without jitter routes exactly as top-1 softmax", "[unit][moe]") {
  Rng a(5, 0, 0, 0), b(5, 0, 0, 0), data(5, 0, 0, 1);
  auto plain = SwitchLayer("switch(jitter=0)", a);
  MoeConfig config = plain.config();
  MoeLayer<double> topk(config, MakeSwitch("topk_softmax"),
                        MoeWeights<double>::Random(config, b, 2.0));
  std::vector<double> x(7 * 6), y1(7 * 6), y2(7 * 6);
  for (double& v : x) v = Normal(data);
  MoeState<double> s1, s2;
  plain.Forward(x.data(), 7, y1.data(), &s1, true, nullptr);
  topk.Forward(x.data(), 7, y2.data(), &s2, true, nullptr);
  CHECK(y1 == y2);
  CHECK(s1.routing.expert == s2.routing.expert);
}

TEST_CASE("switch rejects k other than 1, a jitter outside 0 to 1, and a missing stream",
          "[unit][moe]") {
  CHECK_THROWS_WITH(MakeSwitch("switch")->Slots(2, 8), Catch::Contains("k must be 1"));
  CHECK_THROWS_WITH(MakeSwitch("switch(jitter=1)"), Catch::Contains("jitter"));
  CHECK_THROWS_WITH(MakeSwitch("switch(jitter=-0.1)"), Catch::Contains("jitter"));
  Rng rng(3, 0, 0, 0);
  auto layer = SwitchLayer("switch", rng);
  std::vector<double> x(2 * 6, 1.0), y(2 * 6);
  MoeState<double> state;
  CHECK_THROWS_WITH(layer.Forward(x.data(), 2, y.data(), &state, true, nullptr),
                    Catch::Contains("random stream"));
}

}  // namespace
}  // namespace expertlab::moe
