#include "algorithms/moe/routers/smear.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/scalar_math.h"
#include "algorithms/moe/train/sequence_model.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeSmear(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("smear conformance, per token and per group", "[unit][moe][determinism]") {
  testing::CheckRouterConformance([] { return MakeSmear("smear"); });
  testing::CheckRouterConformance([] { return MakeSmear("smear(group=2)"); });
}

TEST_CASE("smear routes a group on the softmax of its mean logits", "[theory][moe]") {
  // Two tokens in one group, E = 2: logits (0, 2) and (2, 2) average to
  // (1, 2), so both tokens get p = (1, e) / (1 + e), expert 1 first.
  const std::vector<double> z = {0, 2, 2, 2};
  Routing r;
  MakeSmear("smear(group=2)")->Route({2, 2, 1, true, nullptr}, z.data(), &r);
  const double p1 = std::exp(1.0) / (1 + std::exp(1.0));
  CHECK(r.slots == 2);
  CHECK(r.expert == std::vector<int32_t>{1, 0, 1, 0});
  for (int64_t t = 0; t < 2; ++t) {
    CHECK(r.Weight(t, 0) == Approx(p1));
    CHECK(r.Weight(t, 1) == Approx(1 - p1));
    CHECK(r.probs[t * 2 + 1] == Approx(p1));
  }
}

// One SwiGLU FFN of width f on x [d] with row-major W_g, W_u [d x f] and
// W_d [f x d], added to y.
void DenseSwiGlu(const double* x, const double* wg, const double* wu, const double* wd, int64_t d,
                 int64_t f, double* y) {
  for (int64_t j = 0; j < f; ++j) {
    double g = 0, u = 0;
    for (int64_t i = 0; i < d; ++i) {
      g += x[i] * wg[i * f + j];
      u += x[i] * wu[i * f + j];
    }
    const double h = Silu(g) * u;
    for (int64_t i = 0; i < d; ++i) y[i] += h * wd[j * d + i];
  }
}

TEST_CASE(
    "smear's merged expert equals the expert whose parameters are the routing-weighted average",
    "[theory][moe]") {
  MoeConfig config;
  config.d_model = 5;
  config.d_ff = 6;
  config.experts = 3;
  config.top_k = 1;
  const int64_t T = 7, d = 5, f = 6, E = 3, block = d * f;
  Rng rng(12, 0, 0, 0);
  auto w = MoeWeights<double>::Random(config, rng, 3.0);
  std::vector<double> x(T * d), y(T * d);
  for (auto& v : x) v = Normal(rng);
  for (int64_t group : {1, 3}) {
    INFO("group " << group);
    MoeLayer<double> layer(config, MakeSmear("smear(group=" + std::to_string(group) + ")"), w);
    MoeState<double> state;
    layer.Forward(x.data(), T, y.data(), &state);
    for (int64_t t = 0; t < T; ++t) {
      // The average of the parameters with the group's probabilities.
      const double* p = state.routing.probs.data() + (t - t % group) * E;
      std::vector<double> wg(block, 0.0), wu(block, 0.0), wd(block, 0.0), want(d, 0.0);
      for (int64_t e = 0; e < E; ++e)
        for (int64_t j = 0; j < block; ++j) {
          wg[j] += p[e] * w.Gate(e)[j];
          wu[j] += p[e] * w.Up(e)[j];
          wd[j] += p[e] * w.Down(e)[j];
        }
      DenseSwiGlu(x.data() + t * d, wg.data(), wu.data(), wd.data(), d, f, want.data());
      for (int64_t i = 0; i < d; ++i) CHECK(y[t * d + i] == Approx(want[i]).margin(1e-12));
    }
    // Every token of a group has its group's distribution (the last group
    // of 7 tokens in groups of 3 holds one token).
    for (int64_t t = 0; t < T; ++t)
      for (int64_t e = 0; e < E; ++e)
        CHECK(state.routing.probs[t * E + e] == state.routing.probs[(t - t % group) * E + e]);
  }
}

TEST_CASE("smear's bad layer options are clear errors", "[unit][moe]") {
  MoeConfig config;
  config.d_model = 4;
  config.d_ff = 6;
  config.experts = 3;
  config.top_k = 1;
  CHECK_NOTHROW(MoeLayer<float>(config, MakeSmear("smear")));
  config.capacity_factor = 1.0;
  CHECK_THROWS_WITH(MoeLayer<float>(config, MakeSmear("smear")), Catch::Contains("SMEAR"));
  config.capacity_factor = 0;
  config.shared_experts = 1;
  CHECK_THROWS_WITH(MoeLayer<float>(config, MakeSmear("smear")), Catch::Contains("shared"));
  config.shared_experts = 0;
  config.expert_widths = {2, 6, 10};
  CHECK_THROWS_WITH(MoeLayer<float>(config, MakeSmear("smear")), Catch::Contains("one width"));
  CHECK_THROWS_WITH(MakeSmear("smear(group=0)"), Catch::Contains("group"));
  // A causal sequence model cannot merge over positions.
  SequenceConfig seq;
  seq.vocab = 8;
  seq.context = 8;
  seq.d_model = 4;
  seq.heads = 2;
  seq.moe = config;
  seq.moe.expert_widths.clear();
  seq.router = "smear(group=4)";
  CHECK_THROWS_WITH(seq.Validate(), Catch::Contains("group = 1"));
  seq.router = "smear";
  CHECK_NOTHROW(seq.Validate());
}

}  // namespace
}  // namespace expertlab::moe
