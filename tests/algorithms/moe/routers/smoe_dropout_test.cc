#include "algorithms/moe/routers/smoe_dropout.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeSmoe(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

int64_t Filled(const Routing& r, int64_t t) {
  int64_t n = 0;
  for (int64_t s = 0; s < r.slots; ++s) n += r.Expert(t, s) >= 0;
  return n;
}

TEST_CASE("smoe_dropout conformance", "[unit][moe][determinism]") {
  for (const char* spec : {"smoe_dropout", "smoe_dropout(k_start=1,k_end=3,schedule_steps=2)"}) {
    INFO(spec);
    testing::CheckRouterConformance([&] { return MakeSmoe(spec); });
  }
}

TEST_CASE("smoe_dropout: k follows the linear schedule, eval_k at inference", "[theory][moe]") {
  const int64_t T = 5, E = 6;
  Rng rng(41, 0, 0, 0);
  std::vector<double> z(T * E);
  for (auto& v : z) v = Normal(rng);
  auto router = MakeSmoe("smoe_dropout(k_start=2,k_end=6,schedule_steps=4)");
  // k(s) = round((6 - 2) s / 4) + 2 for s = 0..4, then 6.
  const int64_t expected[] = {2, 3, 4, 5, 6, 6};
  Routing r;
  for (int64_t k : expected) {
    router->Route({T, E, 1, true, nullptr}, z.data(), &r);
    for (int64_t t = 0; t < T; ++t) CHECK(Filled(r, t) == k);
  }
  router->Route({T, E, 1, false, nullptr}, z.data(), &r);
  CHECK(Filled(r, 0) == 6);
  MakeSmoe("smoe_dropout(eval_k=1)")->Route({T, E, 1, false, nullptr}, z.data(), &r);
  CHECK(Filled(r, 0) == 1);
  // Weights: softmax over the selected logits.
  MakeSmoe("smoe_dropout(k_start=3)")->Route({T, E, 1, true, nullptr}, z.data(), &r);
  for (int64_t t = 0; t < T; ++t) {
    double sum = 0;
    for (int64_t s = 0; s < 3; ++s) sum += std::exp(z[t * E + r.Expert(t, s)]);
    for (int64_t s = 0; s < 3; ++s)
      CHECK(r.Weight(t, s) == Approx(std::exp(z[t * E + r.Expert(t, s)]) / sum).epsilon(1e-12));
  }
}

TEST_CASE("smoe_dropout: the layer reports no gradient for the frozen router", "[unit][moe]") {
  MoeConfig config;
  config.d_model = 4;
  config.d_ff = 3;
  config.experts = 4;
  config.top_k = 1;
  Rng rng(43, 0, 0, 0);
  MoeLayer<double> layer(config, MakeSmoe("smoe_dropout"), MoeWeights<double>::Random(config, rng));
  const int64_t T = 6;
  std::vector<double> x(T * 4), y(T * 4), dy(T * 4), dx(T * 4);
  for (auto& v : x) v = Normal(rng);
  for (auto& v : dy) v = Normal(rng);
  MoeState<double> state;
  layer.Forward(x.data(), T, y.data(), &state, true);
  MoeWeights<double> grads;
  layer.Backward(dy.data(), state, dx.data(), &grads, {0.1, 0.01});
  for (double g : grads.router) CHECK(g == 0.0);
  double dx_norm = 0, gate_norm = 0;
  for (double v : dx) dx_norm += v * v;
  for (double v : grads.w_gate) gate_norm += v * v;
  CHECK(dx_norm > 0);
  CHECK(gate_norm > 0);
}

TEST_CASE("smoe_dropout rejects k above E", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeSmoe("smoe_dropout(k_end=9)")->Slots(1, 8), Catch::Contains("k_end"));
  CHECK_THROWS_AS(MakeSmoe("smoe_dropout(schedule_steps=0)"), Error);
}

}  // namespace
}  // namespace expertlab::moe
