#include "algorithms/moe/unlearn_one_expert.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/check.h"

namespace expertlab::moe {
namespace {

// Logits whose softmax is (1/6, 2/6, 3/6).
const std::vector<double> kSixths = {0.0, std::log(2.0), std::log(3.0)};

TEST_CASE("seuf: gate scores are the softmax on the routed experts only", "[unit][moe]") {
  // Position 0 routed to 2 and 1; position 1 to 0, a shared expert (id 3)
  // and an empty slot.
  std::vector<double> logits = kSixths;
  logits.insert(logits.end(), kSixths.begin(), kSixths.end());
  const std::vector<int32_t> expert = {2, 1, -1, 0, 3, -1};
  const std::vector<double> g = TopKGateScores(logits.data(), expert.data(), 2, 3, 3);
  const std::vector<double> expected = {0, 2.0 / 6, 3.0 / 6, 1.0 / 6, 0, 0};
  REQUIRE(g.size() == expected.size());
  for (size_t i = 0; i < g.size(); ++i) CHECK(g[i] == Approx(expected[i]).margin(1e-15));
}

TEST_CASE("seuf: the affinity is the mean over sequences of per-sequence mean gate scores",
          "[unit][moe]") {
  // Two sequences of 3 positions, E = 2; counted: sequence 0 positions 0
  // and 1, sequence 1 position 2 only.
  const std::vector<double> g = {0.2, 0.0, 0.6, 0.4, 9.0, 9.0,  // sequence 0 (last ignored)
                                 9.0, 9.0, 9.0, 9.0, 0.0, 1.0};
  const std::vector<char> counted = {1, 1, 0, 0, 0, 1};
  const std::vector<double> a = ExpertAffinity(g, 2, 3, 2, counted);
  // Sequence means (0.4, 0.2) and (0, 1), averaged.
  CHECK(a[0] == Approx(0.2));
  CHECK(a[1] == Approx(0.6));
  // A sequence with no counted position does not count as one of the Z.
  const std::vector<char> first_only = {1, 1, 0, 0, 0, 0};
  CHECK(ExpertAffinity(g, 2, 3, 2, first_only)[0] == Approx(0.4));
  CHECK_THROWS_WITH(ExpertAffinity(g, 2, 3, 2, std::vector<char>(6, 0)),
                    Catch::Contains("forget set is empty"));
}

TEST_CASE("seuf: the top experts across blocks and within the top block", "[unit][moe]") {
  const std::vector<std::vector<double>> affinity = {{0.1, 0.5, 0.3}, {0.4, 0.2, 0.6}};
  const auto global = TopAffinityExperts(affinity, 3, false);
  CHECK(global == std::vector<ExpertId>{{1, 2}, {0, 1}, {1, 0}});
  const auto within = TopAffinityExperts(affinity, 3, true);
  CHECK(within == std::vector<ExpertId>{{1, 2}, {1, 0}, {1, 1}});
  CHECK(TopAffinityExperts(affinity, 1, false) == std::vector<ExpertId>{{1, 2}});
  CHECK_THROWS_WITH(TopAffinityExperts(affinity, 4, true), Catch::Contains("[1, 3]"));
  CHECK_THROWS_WITH(TopAffinityExperts(affinity, 0, false), Catch::Contains("experts: must be"));
}

TEST_CASE("seuf: the anchor loss by hand and its gradient by central differences",
          "[theory][moe]") {
  // s = (1/6, 2/6, 3/6) toward expert 0: (5/6)^2 + (2/6)^2 + (3/6)^2.
  const std::vector<int32_t> routed = {2, 1};
  std::vector<double> d(3, 0.0);
  CHECK(AnchorLoss(kSixths.data(), routed.data(), 1, 3, 2, {0}, false, {}, 1.0, d.data()) ==
        Approx(38.0 / 36));
  // The top-k gate g = (0, 2/6, 3/6): expert 0 is off the top 2.
  CHECK(AnchorLoss(kSixths.data(), routed.data(), 1, 3, 2, {0}, true, {}, 1.0, d.data()) ==
        Approx(1.0 + 13.0 / 36));
  // Two targets in the block: a = (1/2, 1/2, 0).
  CHECK(AnchorLoss(kSixths.data(), routed.data(), 1, 3, 2, {0, 1}, false, {}, 1.0, d.data()) ==
        Approx((1.0 / 3) * (1.0 / 3) + (1.0 / 6) * (1.0 / 6) + 0.25));
  CHECK_THROWS_WITH(
      AnchorLoss(kSixths.data(), routed.data(), 1, 3, 2, {}, false, {}, 1.0, d.data()),
      Catch::Contains("no target"));
  CHECK_THROWS_WITH(
      AnchorLoss(kSixths.data(), routed.data(), 1, 3, 2, {3}, false, {}, 1.0, d.data()),
      Catch::Contains("in [0, 3)"));

  // Three positions, E = 4, top 2 routed, the middle position not counted;
  // x W_r = logits with x [3 x 2], so the router gradient is checked too.
  const int64_t T = 3, dim = 2, E = 4;
  const std::vector<double> x = {0.5, -1.0, 1.5, 0.25, -0.75, 2.0};
  std::vector<double> w = {0.3, -0.2, 0.8, 0.1, -0.5, 0.7, 0.05, -0.4};
  const std::vector<int32_t> expert = {2, 0, 1, 3, 0, 2};
  const std::vector<char> counted = {1, 0, 1};
  const std::vector<int32_t> target = {1};
  const double scale = 2.5;
  const auto logits_of = [&] {
    std::vector<double> z(T * E, 0.0);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t r = 0; r < dim; ++r)
        for (int64_t i = 0; i < E; ++i) z[t * E + i] += x[t * dim + r] * w[r * E + i];
    return z;
  };
  for (const bool topk : {false, true}) {
    INFO("topk gate " << topk);
    std::vector<double> z = logits_of(), dz(T * E, 0.0);
    AnchorLoss(z.data(), expert.data(), T, E, 2, target, topk, counted, scale, dz.data());
    std::vector<double> dw(dim * E, 0.0);
    AddRouterGradient(x.data(), dz.data(), T, dim, E, dw.data());
    std::vector<double> scratch(T * E);
    const auto loss = [&](const std::vector<double>& logits) {
      return scale * AnchorLoss(logits.data(), expert.data(), T, E, 2, target, topk, counted, 0.0,
                                scratch.data());
    };
    const double h = 1e-6;
    for (int64_t i = 0; i < T * E; ++i) {
      std::vector<double> plus = z, minus = z;
      plus[i] += h;
      minus[i] -= h;
      CHECK(dz[i] == Approx((loss(plus) - loss(minus)) / (2 * h)).margin(1e-8));
    }
    for (int64_t i = 0; i < dim * E; ++i) {
      const double w0 = w[i];
      w[i] = w0 + h;
      const double plus = loss(logits_of());
      w[i] = w0 - h;
      const double minus = loss(logits_of());
      w[i] = w0;
      CHECK(dw[i] == Approx((plus - minus) / (2 * h)).margin(1e-8));
    }
    // The uncounted position gets no gradient.
    for (int64_t i = E; i < 2 * E; ++i) CHECK(dz[i] == 0.0);
  }
}

TEST_CASE("seuf: the unlearned parameters are exactly the target experts and routers",
          "[unit][moe]") {
  SequenceConfig c;
  c.vocab = 5;
  c.context = 3;
  c.d_model = 4;
  c.heads = 2;
  c.blocks = 2;
  c.moe.d_ff = 3;
  c.moe.experts = 3;
  c.moe.top_k = 2;
  Rng rng(9, 0, 0, 0);
  SequenceModel<float> model(c, rng);
  const int64_t d = 4, f = 3, E = 3;
  int64_t whole = 0;
  for (const auto& p : model.Params()) whole += p.size;
  const auto size_of = [](const std::vector<ParamRef<float>>& v) {
    int64_t n = 0;
    for (const auto& p : v) n += p.size;
    return n;
  };
  CHECK(size_of(UnlearnedParams(model, {}, false, true)) == whole);
  CHECK(size_of(UnlearnedParams(model, {}, true, false)) == 2 * d * E);
  const auto one = UnlearnedParams(model, {{1, 2}}, true, false);
  REQUIRE(one.size() == 4);  // W_g, W_u, W_d of expert 2 in block 1, then its router
  MoeWeights<float>& w = model.layer(1).mutable_weights();
  CHECK(one[0].value == w.Gate(2));
  CHECK(one[1].value == w.Up(2));
  CHECK(one[2].value == w.Down(2));
  CHECK(one[3].value == w.router.data());
  for (int64_t m = 0; m < 3; ++m) CHECK(one[m].size == d * f);
  CHECK(one[3].size == d * E);
  // Each gradient view sits at its value's offset in the same block.
  const auto all = model.Params();
  for (const auto& slice : one) {
    bool found = false;
    for (const auto& p : all)
      if (slice.value >= p.value && slice.value < p.value + p.size)
        found = slice.grad - p.grad == slice.value - p.value;
    CHECK(found);
  }
  CHECK(size_of(UnlearnedParams(model, {{0, 1}, {1, 1}}, false, false)) == 2 * 3 * d * f);
  CHECK_THROWS_WITH(UnlearnedParams(model, {{2, 0}}, true, false),
                    Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(UnlearnedParams(model, {{0, 3}}, true, false),
                    Catch::Contains("does not exist"));
}

}  // namespace
}  // namespace expertlab::moe
