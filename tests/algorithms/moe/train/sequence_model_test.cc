#include "algorithms/moe/train/sequence_model.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "sim/check.h"
#include "tests/algorithms/moe/parameter_difference.h"

namespace expertlab::moe {
namespace {

SequenceConfig TinySequenceConfig() {
  SequenceConfig c;
  c.vocab = 5;
  c.context = 4;
  c.d_model = 4;
  c.heads = 2;
  c.blocks = 2;
  c.moe.d_ff = 3;
  c.moe.experts = 3;
  c.moe.top_k = 2;
  c.moe.shared_experts = 1;
  c.router = "topk_softmax(renormalize=true)";
  c.aux = {0.1, 0.01};
  return c;
}

struct TokenRows {
  std::vector<int32_t> tokens, targets;
  SequenceBatch batch;
  TokenRows(int64_t n, int64_t length, int64_t vocab, Rng& rng)
      : tokens(n * length), targets(n * length) {
    for (auto& t : tokens) t = static_cast<int32_t>(rng.UniformInt(vocab));
    for (auto& t : targets) t = static_cast<int32_t>(rng.UniformInt(vocab));
    batch = {n, length, tokens.data(), targets.data()};
  }
};

TEST_CASE("sequence model: every parameter block's gradient matches central differences",
          "[theory][moe]") {
  const uint64_t seed = 505;
  INFO("seed " << seed);
  // THOR's W_r is the block without a gradient (its router is not learned).
  for (const auto& arm : expertlab::testing::kGradientCheckArms) {
    INFO(arm.router);
    Rng rng(seed, 0, 0, 0);
    SequenceConfig config = TinySequenceConfig();
    config.router = arm.router;
    config.aux = arm.aux;
    SequenceModel<double> model(config, rng);
    // Two sequences of the full context length, one position's target
    // ignored (its logits must then get no gradient).
    TokenRows data(2, config.context, config.vocab, rng);
    data.targets[1] = kIgnoredTarget;
    // The training objective with the same routing draws at every call.
    auto total = [&] {
      Rng routing(seed, 1, 0, 0);
      const StepResult r = model.ComputeGradients(data.batch, &routing);
      return r.loss + r.aux_loss;
    };
    total();
    auto params = model.Params();
    // embedding, positions; per block gain, q, k, v, o, gain, router,
    // gate, up, down; final gain, head W, head bias.
    REQUIRE(params.size() == 2 + 2 * 10 + 3);
    std::vector<std::vector<double>> grads;
    for (const auto& p : params) grads.emplace_back(p.grad, p.grad + p.size);
    const double h = 1e-6;
    double worst = 0;
    for (size_t b = 0; b < params.size(); ++b) {
      double block_worst = 0, block_norm = 0;
      for (int64_t i = 0; i < params[b].size; ++i) {
        const double fd = expertlab::testing::ParameterDifference(params[b].value[i], h, total,
                                                                  [&] { model.ParamsChanged(); });
        block_worst = std::max(block_worst, std::abs(grads[b][i] - fd) / (1 + std::abs(fd)));
        block_norm += fd * fd;
      }
      INFO("block " << b << " (" << params[b].size << " values): max error " << block_worst
                    << ", numeric gradient norm " << std::sqrt(block_norm));
      // O(h^2) truncation and ~1e-10 / h rounding, as in the MoeModel check.
      CHECK(block_worst < 1e-6);
      // Every block takes part in the loss (a block with a zero gradient
      // would pass the check vacuously), but a router that is not learned.
      const bool frozen_router = b >= 2 && b < 2 + 2 * 10 && (b - 2) % 10 == 6 &&
                                 !model.layer(0).router().LearnsRouterWeights();
      if (!frozen_router) CHECK(std::sqrt(block_norm) > 1e-8);
      worst = std::max(worst, block_worst);
    }
    WARN("sequence model gradient check (" << arm.router << "): max error " << worst);
  }
}

TEST_CASE("sequence model: ignored targets leave the mean over the other positions",
          "[unit][moe]") {
  Rng rng(607, 0, 0, 0);
  SequenceConfig config = TinySequenceConfig();
  config.aux = {};
  SequenceModel<double> model(config, rng);
  TokenRows data(2, config.context, config.vocab, rng);
  const std::vector<int64_t> ignored = {0, 3, 5};
  for (int64_t t : ignored) data.targets[t] = kIgnoredTarget;
  const StepResult r = model.ComputeGradients(data.batch);
  // The loss by hand from the logits: -log softmax at the counted positions.
  const std::vector<double>& logits = model.Forward(data.batch, true);
  const int64_t T = data.batch.positions(), V = config.vocab;
  double total = 0;
  for (int64_t t = 0; t < T; ++t) {
    if (data.targets[t] == kIgnoredTarget) continue;
    double sum = 0;
    for (int64_t j = 0; j < V; ++j) sum += std::exp(logits[t * V + j]);
    total += std::log(sum) - logits[t * V + data.targets[t]];
  }
  const double expected = total / double(T - int64_t(ignored.size()));
  CHECK(r.loss == Approx(expected).epsilon(1e-12));
  CHECK(model.Loss(data.batch) == Approx(expected).epsilon(1e-12));
  // Every target ignored: an error, not a division by zero.
  std::fill(data.targets.begin(), data.targets.end(), kIgnoredTarget);
  CHECK_THROWS_WITH(model.ComputeGradients(data.batch),
                    Catch::Contains("every target of the batch is ignored"));
}

TEST_CASE("sequence model: shorter sequences use the first positions only", "[unit][moe]") {
  Rng rng(606, 0, 0, 0);
  const SequenceConfig config = TinySequenceConfig();
  SequenceModel<double> model(config, rng);
  TokenRows data(3, 2, config.vocab, rng);
  model.ComputeGradients(data.batch);
  const auto params = model.Params();
  const auto& pos = params[1];
  for (int64_t i = 2 * config.d_model; i < pos.size; ++i) CHECK(pos.grad[i] == 0.0);
  double used = 0;
  for (int64_t i = 0; i < 2 * config.d_model; ++i) used += std::abs(pos.grad[i]);
  CHECK(used > 0);
}

// A few SGD steps (the optimiser does not matter for the determinism of the
// model's forward and backward) on random tokens.
std::vector<float> TrainSequenceModel(int threads, const std::string& router) {
  SequenceConfig c;
  c.vocab = 11;
  c.context = 16;
  c.d_model = 16;
  c.heads = 4;
  c.blocks = 2;
  c.moe.d_ff = 24;
  c.moe.experts = 4;
  c.moe.top_k = 2;
  c.router = router;
  c.aux = {0.01, 0.001};
  c.threads = threads;
  Rng init(77, 0, 0, 0);
  SequenceModel<float> model(c, init);
  Rng data(77, 0, 0, 1), route(77, 0, 0, 2);
  for (int step = 0; step < 4; ++step) {
    std::vector<int32_t> tokens(8 * 16), targets(8 * 16);
    for (auto& t : tokens) t = static_cast<int32_t>(data.UniformInt(11));
    for (size_t i = 0; i < tokens.size(); ++i) targets[i] = (tokens[i] + 1) % 11;
    model.ComputeGradients({8, 16, tokens.data(), targets.data()}, &route);
    for (const auto& p : model.Params())
      for (int64_t i = 0; i < p.size; ++i) p.value[i] -= 0.05f * p.grad[i];
    model.ParamsChanged();
  }
  std::vector<float> out;
  for (const auto& p : model.Params()) out.insert(out.end(), p.value, p.value + p.size);
  return out;
}

TEST_CASE("sequence model: training is bit-identical for 1 and 2 threads", "[determinism][moe]") {
  for (const std::string router : {"topk_softmax", "noisy_topk(noise=1)"}) {
    INFO("router " << router << ", seed 77");
    const auto one = TrainSequenceModel(1, router);
    const auto two = TrainSequenceModel(2, router);
    REQUIRE(one.size() == two.size());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
  }
}

TEST_CASE("sequence model: bad configs and batches are rejected with the field named",
          "[unit][moe]") {
  Rng rng(1, 0, 0, 0);
  auto make = [&](SequenceConfig c) { SequenceModel<float> m(c, rng); };
  SequenceConfig c = TinySequenceConfig();
  c.heads = 3;
  CHECK_THROWS_WITH(make(c), Catch::Contains("heads = 3 must divide d_model = 4"));
  c = TinySequenceConfig();
  c.context = 0;
  CHECK_THROWS_WITH(make(c), Catch::Contains("context must be >= 1"));
  c = TinySequenceConfig();
  c.vocab = 1;
  CHECK_THROWS_WITH(make(c), Catch::Contains("vocab must be >= 2"));
  c = TinySequenceConfig();
  c.blocks = 0;
  CHECK_THROWS_WITH(make(c), Catch::Contains("blocks must be >= 1"));
  c = TinySequenceConfig();
  c.heads = 0;
  CHECK_THROWS_WITH(make(c), Catch::Contains("heads must be >= 1"));
  c = TinySequenceConfig();
  c.moe.top_k = 4;
  CHECK_THROWS_WITH(make(c), Catch::Contains("top_k"));
  c = TinySequenceConfig();
  c.router = "no_such_router";
  CHECK_THROWS(make(c));
  SequenceModel<float> model(TinySequenceConfig(), rng);
  std::vector<int32_t> tokens(10, 1), targets(10, 1);
  CHECK_THROWS_WITH(model.Forward({2, 5, tokens.data(), targets.data()}, false),
                    Catch::Contains("outside [1, context = 4]"));
  tokens[3] = 9;
  CHECK_THROWS_WITH(model.Forward({2, 4, tokens.data(), targets.data()}, false),
                    Catch::Contains("token 9 outside vocabulary"));
}

}  // namespace
}  // namespace expertlab::moe
