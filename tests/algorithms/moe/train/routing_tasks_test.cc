#include "algorithms/moe/train/routing_tasks.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/check.h"

namespace expertlab::moe {
namespace {

TEST_CASE("routing task: cluster frequencies follow the Zipf weights", "[theory][moe]") {
  RoutingTaskSpec spec;
  spec.clusters = 4;
  spec.skew = 1.0;
  const uint64_t seed = 5;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const RoutingTask task(spec, rng);
  // pi_c = (1/(c+1)) / H_4, H_4 = 25/12.
  const double h4 = 25.0 / 12.0;
  const int64_t n = 40000;
  const RoutingSample s = task.Sample(n, rng);
  std::vector<double> count(4, 0.0);
  for (int32_t c : s.cluster) count[c] += 1;
  for (int64_t c = 0; c < 4; ++c) {
    const double pi = 1.0 / double(c + 1) / h4;
    CHECK(task.cluster_weights()[c] == Approx(pi).epsilon(1e-12));
    // 5 binomial standard errors: a correct sampler fails below 1e-6.
    CHECK(std::abs(count[c] / n - pi) < 5 * std::sqrt(pi * (1 - pi) / n));
  }
}

TEST_CASE("routing task: targets are the cluster's map plus noise of sd `noise`", "[theory][moe]") {
  for (int64_t features : {0, 12}) {
    RoutingTaskSpec spec;
    spec.clusters = 3;
    spec.dim = 5;
    spec.out_dim = 2;
    spec.noise = 0.3;
    spec.max_features = features;
    const uint64_t seed = 9;
    INFO("seed " << seed << ", max_features " << features);
    Rng rng(seed, 0, 0, 0);
    const RoutingTask task(spec, rng);
    CHECK(task.HardFeatures(0) == 0);
    CHECK(task.HardFeatures(2) == features);
    const int64_t n = 20000;
    const RoutingSample s = task.Sample(n, rng);
    double ss = 0;
    std::vector<double> x(5), y(2);
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < 5; ++j) x[j] = s.x[i * 5 + j];
      task.Target(s.cluster[i], x.data(), y.data());
      for (int64_t o = 0; o < 2; ++o) ss += std::pow(s.y[i * 2 + o] - y[o], 2);
    }
    // Mean of 2n squared N(0, 0.09) residuals: sd 0.09 sqrt(2 / 2n); 5 sd,
    // plus float rounding of x and y (relative 1e-7, far below).
    const double mse = ss / double(2 * n);
    CHECK(std::abs(mse - task.BayesMse()) < 5 * 0.09 * std::sqrt(2.0 / double(2 * n)));
  }
}

TEST_CASE("routing task: one stream, one task and sample", "[unit][moe][determinism]") {
  RoutingTaskSpec spec;
  spec.max_features = 4;
  Rng a(3, 1, 2, 0), b(3, 1, 2, 0);
  const RoutingSample sa = RoutingTask(spec, a).Sample(50, a);
  const RoutingSample sb = RoutingTask(spec, b).Sample(50, b);
  CHECK(sa.x == sb.x);
  CHECK(sa.y == sb.y);
  CHECK(sa.cluster == sb.cluster);
}

TEST_CASE("routing task: bad specs name the field", "[unit][moe]") {
  Rng rng(1, 0, 0, 0);
  RoutingTaskSpec spec;
  spec.clusters = 0;
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("clusters"));
  spec = {};
  spec.noise = -1;
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("noise"));
  spec = {};
  spec.separation = std::nan("");
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("separation"));
}

}  // namespace
}  // namespace expertlab::moe
