#include "algorithms/moe/routers/thor.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/moe/train.h"
#include "algorithms/moe/train/consistency.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeThor(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("thor conformance", "[unit][moe][determinism]") {
  testing::ConformanceOptions drawing;
  drawing.deterministic = false;
  for (const char* spec : {"thor", "thor(alpha=0)", "thor(inference=ensemble)"}) {
    INFO(spec);
    testing::CheckRouterConformance([&] { return MakeThor(spec); }, drawing);
  }
}

TEST_CASE("thor's two draws are independent and uniform", "[theory][moe]") {
  // A consistency pass routes the batch stacked twice: tokens t and n + t
  // are the two draws of example t. Independent uniform draws put each of
  // the E^2 (first, second) pairs at n / E^2 and agree with probability
  // 1 / E. Bounds: 5 binomial sd on the agreement rate, and chi-square at
  // the 1e-6 upper quantile (3 df: 30.66 for one draw's E = 4 counts; 15 df:
  // 56.49 for the 16 pairs), so a correct router fails below 1e-6 each.
  const int64_t n = 40000, E = 4;
  const uint64_t seed = 53;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  std::vector<double> z(2 * n * E);
  for (auto& v : z) v = Normal(rng);  // the logits play no part
  Routing r;
  MakeThor("thor")->Route({2 * n, E, 1, true, &rng}, z.data(), &r);
  std::vector<double> pairs(E * E, 0.0), first(E, 0.0);
  int64_t agree = 0;
  for (int64_t t = 0; t < n; ++t) {
    const int32_t a = r.Expert(t, 0), b = r.Expert(n + t, 0);
    CHECK(r.Weight(t, 0) == 1.0);
    pairs[a * E + b] += 1;
    first[a] += 1;
    agree += a == b;
  }
  const double rate = double(agree) / n, p = 1.0 / E;
  INFO("agreement " << rate);
  CHECK(std::abs(rate - p) < 5 * std::sqrt(p * (1 - p) / n));
  auto chi_square = [](const std::vector<double>& counts, double expected) {
    double x = 0;
    for (double c : counts) x += (c - expected) * (c - expected) / expected;
    return x;
  };
  CHECK(chi_square(first, double(n) / E) < 30.66);
  CHECK(chi_square(pairs, double(n) / (E * E)) < 56.49);
  for (double e : r.probs) CHECK(e == 0.25);
}

TEST_CASE("thor at inference: a random expert, or every expert averaged", "[theory][moe]") {
  const int64_t T = 3, E = 5;
  std::vector<double> z(T * E, 0.0);
  Routing r;
  MakeThor("thor(inference=ensemble)")->Route({T, E, 1, false, nullptr}, z.data(), &r);
  REQUIRE(r.slots == E);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < E; ++s) {
      CHECK(r.Expert(t, s) == s);
      CHECK(r.Weight(t, s) == 0.2);
    }
  // The default draws at inference too, so it needs a stream.
  CHECK_THROWS_AS(MakeThor("thor")->Route({T, E, 1, false, nullptr}, z.data(), &r), Error);
}

ModelConfig ThorModel(bool tokens, const std::string& router) {
  ModelConfig c;
  if (tokens) {
    c.vocab = 6;
    c.loss = LossKind::kCrossEntropy;
    c.out_dim = 4;
  } else {
    c.input_dim = 3;
    c.loss = LossKind::kMse;
    c.out_dim = 2;
  }
  c.d_model = 8;
  c.moe.d_ff = 6;
  c.moe.experts = 4;
  c.router = router;
  return c;
}

TEST_CASE("thor: the model trains two passes and adds alpha times their divergence",
          "[unit][moe]") {
  const uint64_t seed = 59;
  INFO("seed " << seed);
  const int64_t n = 5;
  for (bool tokens : {false, true}) {
    INFO((tokens ? "tokens + cross-entropy" : "features + mse"));
    Rng rng(seed, 0, 0, 0);
    MoeModel<double> model(ThorModel(tokens, "thor(alpha=2.5)"), rng);
    std::vector<int32_t> tok(2 * n), lab(2 * n);
    std::vector<double> feat(2 * n * 3), tgt(2 * n * 2);
    for (int64_t t = 0; t < n; ++t) {
      tok[t] = tok[n + t] = static_cast<int32_t>(rng.UniformInt(6));
      lab[t] = lab[n + t] = static_cast<int32_t>(rng.UniformInt(4));
    }
    for (int64_t i = 0; i < n * 3; ++i) feat[i] = feat[n * 3 + i] = Normal(rng);
    for (int64_t i = 0; i < n * 2; ++i) tgt[i] = tgt[n * 2 + i] = Normal(rng);
    auto batch_of = [&](int64_t size) {
      return Batch<double>{size, tokens ? tok.data() : nullptr, tokens ? nullptr : feat.data(),
                           tokens ? lab.data() : nullptr, tokens ? nullptr : tgt.data()};
    };
    Rng draws(seed, 1, 0, 0);
    const StepResult step = model.ComputeGradients(batch_of(n), &draws);
    CHECK(model.state(0).tokens == 2 * n);
    // By hand: the stacked batch with the same draws, its mean task loss,
    // and 2.5 times the divergence of rows t and n + t (balance weight 0).
    Rng same(seed, 1, 0, 0);
    const std::vector<double> out = model.Forward(batch_of(2 * n), true, &same);
    const int64_t o = model.config().out_dim;
    const double divergence = tokens
                                  ? SymmetricKlConsistency<double>(out.data(), out.data() + n * o,
                                                                   n, o, 2.5, nullptr, nullptr)
                                  : GaussianConsistency<double>(out.data(), out.data() + n * o, n,
                                                                o, 2.5, nullptr, nullptr);
    CHECK(divergence > 0);
    CHECK(step.loss == Approx(model.Loss(batch_of(2 * n))).epsilon(1e-12));
    CHECK(step.aux_loss == Approx(divergence).epsilon(1e-12));
  }
  // alpha = 0: one pass.
  Rng rng(seed, 0, 0, 0);
  MoeModel<double> model(ThorModel(false, "thor(alpha=0)"), rng);
  std::vector<double> feat(n * 3, 0.5), tgt(n * 2, 0.0);
  Rng draws(seed, 1, 0, 0);
  const StepResult step =
      model.ComputeGradients({n, nullptr, feat.data(), nullptr, tgt.data()}, &draws);
  CHECK(model.state(0).tokens == n);
  CHECK(step.aux_loss == 0.0);
}

TEST_CASE("thor rejects a negative alpha or an unknown inference mode", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeThor("thor(alpha=-1)"), Catch::Contains("alpha"));
  CHECK_THROWS_WITH(MakeThor("thor(inference=best)"), Catch::Contains("inference"));
}

}  // namespace
}  // namespace expertlab::moe
