#include "algorithms/moe/train.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/check.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/cluster_task.h"
#include "tests/algorithms/moe/parameter_difference.h"

namespace expertlab::moe {
namespace {

ModelConfig SmallConfig(bool tokens) {
  ModelConfig c;
  if (tokens) {
    c.vocab = 7;
    c.loss = LossKind::kCrossEntropy;
    c.out_dim = 3;
  } else {
    c.input_dim = 3;
    c.loss = LossKind::kMse;
    c.out_dim = 2;
  }
  c.d_model = 4;
  c.blocks = 2;
  c.moe.d_ff = 5;
  c.moe.experts = 3;
  c.moe.top_k = 2;
  c.moe.shared_experts = 1;
  c.router = "topk_softmax(renormalize=true)";
  c.aux = {0.1, 0.01};
  return c;
}

TEST_CASE("MoE model gradients match central finite differences (double)", "[theory][moe]") {
  const uint64_t seed = 404;
  INFO("seed " << seed);
  for (const auto& arm : expertlab::testing::kGradientCheckArms)
    for (bool tokens : {false, true}) {
      INFO(arm.router << ", " << (tokens ? "tokens + cross-entropy" : "features + mse"));
      Rng rng(seed, 0, 0, 0);
      ModelConfig config = SmallConfig(tokens);
      config.router = arm.router;
      config.aux = arm.aux;
      MoeModel<double> model(config, rng);
      const int64_t T = 6;
      std::vector<int32_t> tok(T), lab(T);
      std::vector<double> feat(T * 3), tgt(T * 2);
      for (int64_t t = 0; t < T; ++t) {
        tok[t] = static_cast<int32_t>(rng.UniformInt(7));
        lab[t] = static_cast<int32_t>(rng.UniformInt(3));
      }
      for (auto& v : feat) v = Normal(rng);
      for (auto& v : tgt) v = Normal(rng);
      Batch<double> batch{T, tokens ? tok.data() : nullptr, tokens ? nullptr : feat.data(),
                          tokens ? lab.data() : nullptr, tokens ? nullptr : tgt.data()};
      // The training objective with the same routing draws at every call.
      auto total = [&] {
        Rng routing(seed, 1, 0, 0);
        const StepResult r = model.ComputeGradients(batch, &routing);
        return r.loss + r.aux_loss;
      };
      total();
      auto params = model.Params();
      std::vector<std::vector<double>> grads;
      for (const auto& p : params) grads.emplace_back(p.grad, p.grad + p.size);
      int bad = 0, count = 0;
      const double h = 1e-6;
      for (size_t b = 0; b < params.size(); ++b) {
        for (int64_t i = 0; i < params[b].size; ++i) {
          const double fd = expertlab::testing::ParameterDifference(
              params[b].value[i], h, total, [&] { model.ParamsChanged(); });
          // As in the layer check: O(h^2) truncation, ~1e-10 rounding.
          if (std::abs(grads[b][i] - fd) > 1e-6 * (1 + std::abs(fd))) {
            ++bad;
            UNSCOPED_INFO("block " << b << " index " << i << " analytic " << grads[b][i]
                                   << " numeric " << fd);
          }
          ++count;
        }
      }
      INFO(bad << " of " << count << " gradients off");
      CHECK(bad == 0);
    }
}

TEST_CASE(
    "a tiny MoE learns clustered regression and routes clusters to "
    "distinct experts",
    "[theory][moe]") {
  const uint64_t seed = 7;
  INFO("seed " << seed);
  const testing::TrainOutcome out = testing::TrainClustered({seed, 1, 1500});
  INFO("test mse " << out.test_mse << ", target variance " << out.target_var);
  // Threshold: below 2% of the target variance (R^2 > 0.98); the noise
  // floor is the model's fit of a per-cluster linear map from 6 inputs.
  CHECK(out.test_mse < 0.02 * out.target_var);
  // Each cluster is routed (almost) entirely to its own expert.
  testing::CheckClustersOwnExperts(out, 0.9);
}

TEST_CASE("MoE training is reproducible and identical on 1 and 2 threads", "[determinism][moe]") {
  const uint64_t seed = 9;
  INFO("seed " << seed);
  // Routers that draw (THOR's experts, MoEC's dropout masks) and THOR's
  // stacked consistency pass included.
  for (const char* router : {"topk_softmax", "thor", "moec(groups=2,dropout_interval=7)"}) {
    INFO(router);
    testing::ClusterRun run{seed, 1, 40, router};
    const auto a = testing::TrainClustered(run);
    const auto b = testing::TrainClustered(run);
    run.threads = 2;
    const auto c = testing::TrainClustered(run);
    CHECK(a.losses == b.losses);
    CHECK(a.losses == c.losses);
    CHECK(a.test_mse == c.test_mse);
    CHECK(a.counts == c.counts);
  }
}

TEST_CASE("MoE model rejects bad configurations and inputs", "[unit][moe]") {
  Rng rng(1, 0, 0, 0);
  ModelConfig c = SmallConfig(false);
  c.vocab = 5;  // both inputs set
  CHECK_THROWS_WITH(MoeModel<float>(c, rng), Catch::Contains("exactly one"));
  c = SmallConfig(true);
  c.out_dim = 1;
  CHECK_THROWS_WITH(MoeModel<float>(c, rng), Catch::Contains("cross-entropy"));
  c = SmallConfig(true);
  c.moe.top_k = 4;
  CHECK_THROWS_WITH(MoeModel<float>(c, rng), Catch::Contains("top_k"));
  c = SmallConfig(true);
  c.router = "no_such_router";
  CHECK_THROWS_WITH(MoeModel<float>(c, rng), Catch::Contains("unknown moe router"));
  MoeModel<float> model(SmallConfig(true), rng);
  std::vector<int32_t> tok = {1, 9};
  Batch<float> batch{2, tok.data(), nullptr, nullptr, nullptr};
  CHECK_THROWS_WITH(model.Forward(batch, false), Catch::Contains("outside vocabulary"));
}

}  // namespace
}  // namespace expertlab::moe
