#include "algorithms/moe/train/routing_tasks.h"

#include <Eigen/Dense>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "sim/check.h"
#include "sim/grid.h"

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

TEST_CASE("routing task: the clusters structure draws what it drew before the other structures",
          "[unit][moe][determinism]") {
  RoutingTaskSpec spec;
  spec.out_dim = 2;
  spec.skew = 1.0;
  spec.max_features = 4;
  Rng rng(11, 0, 0, 0);
  const RoutingTask task(spec, rng);
  const RoutingSample s = task.Sample(64, rng);
  std::string bytes(reinterpret_cast<const char*>(s.x.data()), s.x.size() * sizeof(float));
  bytes.append(reinterpret_cast<const char*>(s.y.data()), s.y.size() * sizeof(float));
  bytes.append(reinterpret_cast<const char*>(s.cluster.data()), s.cluster.size() * sizeof(int32_t));
  // FNV-1a of the sample's bytes, computed on main before "structure" existed.
  CHECK(Fnv1a64(bytes) == 0xd9633008b4ad3918ULL);
  CHECK(s.super_cluster == s.cluster);
}

TEST_CASE("routing task: hierarchical means are nearer within a super-cluster", "[theory][moe]") {
  for (const bool default_sub : {false, true}) {
    RoutingTaskSpec spec;
    spec.structure = TaskStructure::kHierarchical;
    spec.clusters = 4;
    spec.super = 2;
    spec.separation = 4.0;
    if (!default_sub) spec.sub_separation = 1.0;  // else separation / 4 = 1
    INFO("seed 21, default sub_separation " << default_sub);
    Rng rng(21, default_sub, 0, 0);
    // One within pair (clusters 0, 1) and one across pair (0, 2) per task.
    const int64_t tasks = 400, D = spec.dim;
    double within = 0, across = 0;
    for (int64_t r = 0; r < tasks; ++r) {
      const RoutingTask task(spec, rng);
      const std::vector<double>& mu = task.means();
      for (int64_t j = 0; j < D; ++j) {
        within += std::pow(mu[j] - mu[D + j], 2) / double(tasks);
        across += std::pow(mu[j] - mu[2 * D + j], 2) / double(tasks);
      }
    }
    // E = sub^2 = 1 and separation^2 + sub^2 = 17; each term is E chi2_D / D,
    // so the mean of 400 has sd E sqrt(2 / (16 400)): 5 sd below.
    const double rel_sd = std::sqrt(2.0 / double(D * tasks));
    CHECK(std::abs(within - 1.0) < 5 * 1.0 * rel_sd);
    CHECK(std::abs(across - 17.0) < 5 * 17.0 * rel_sd);
  }
}

TEST_CASE("routing task: hierarchical samples sit around their cluster mean", "[theory][moe]") {
  RoutingTaskSpec spec;
  spec.structure = TaskStructure::kHierarchical;
  spec.clusters = 6;
  spec.super = 3;
  spec.dim = 4;
  INFO("seed 22");
  Rng rng(22, 0, 0, 0);
  const RoutingTask task(spec, rng);
  const int64_t n = 30000, D = spec.dim;
  const RoutingSample s = task.Sample(n, rng);
  std::vector<double> sum(6 * D, 0.0), count(6, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    CHECK(s.super_cluster[i] == s.cluster[i] / 2);
    count[s.cluster[i]] += 1;
    for (int64_t j = 0; j < D; ++j) sum[s.cluster[i] * D + j] += s.x[i * D + j];
  }
  // x - mu_c ~ N(0, I): each of the 24 coordinate means has sd 1/sqrt(n_c); 5 sd.
  for (int64_t c = 0; c < 6; ++c)
    for (int64_t j = 0; j < D; ++j)
      CHECK(std::abs(sum[c * D + j] / count[c] - task.means()[c * D + j]) <
            5 / std::sqrt(count[c]));
}

// Least-squares map [out x (dim + 1)] (weights, then bias) of the examples
// of cluster c.
Eigen::MatrixXd RoutingTaskFitMap(const RoutingSample& s, int64_t c, int64_t D, int64_t O) {
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < s.n; ++i)
    if (s.cluster[i] == c) rows.push_back(i);
  Eigen::MatrixXd X(rows.size(), D + 1), Y(rows.size(), O);
  for (size_t r = 0; r < rows.size(); ++r) {
    for (int64_t j = 0; j < D; ++j) X(r, j) = s.x[rows[r] * D + j];
    X(r, D) = 1.0;
    for (int64_t o = 0; o < O; ++o) Y(r, o) = s.y[rows[r] * O + o];
  }
  return X.colPivHouseholderQr().solve(Y).transpose();
}

// The same layout from the task's maps: the bias is the map at x = 0,
// weight j the map at e_j minus the bias.
Eigen::MatrixXd RoutingTaskMapOf(const RoutingTask& task, const std::vector<int64_t>& maps) {
  const int64_t D = task.spec().dim, O = task.spec().out_dim;
  Eigen::MatrixXd out(O, D + 1);
  std::vector<double> x(D, 0.0), y(O);
  for (int64_t j = D; j >= 0; --j) {
    std::fill(x.begin(), x.end(), 0.0);
    if (j < D) x[j] = 1.0;
    std::fill(y.begin(), y.end(), 0.0);
    for (int64_t m : maps) task.AddMap(m, x.data(), y.data());
    for (int64_t o = 0; o < O; ++o) out(o, j) = j < D ? y[o] - out(o, D) : y[o];
  }
  return out;
}

TEST_CASE("routing task: common plus specific maps are recovered and shared as specified",
          "[theory][moe]") {
  RoutingTaskSpec spec;
  spec.structure = TaskStructure::kCommonSpecific;
  spec.clusters = 32;
  spec.dim = 32;
  spec.out_dim = 4;
  spec.noise = 0;
  spec.common_share = 0.3;
  INFO("seed 23");
  Rng rng(23, 0, 0, 0);
  const RoutingTask task(spec, rng);
  const int64_t K = 32, D = 32, O = 4;
  REQUIRE(task.Maps() == K + 1);
  const RoutingSample s = task.Sample(K * 150, rng);
  std::vector<Eigen::MatrixXd> fits;
  for (int64_t c = 0; c < K; ++c) {
    fits.push_back(RoutingTaskFitMap(s, c, D, O));
    // Noiseless targets: only float rounding of x and y (relative 6e-8)
    // separates the fit from W_0 + W_c.
    CHECK((fits.back() - RoutingTaskMapOf(task, {K, c})).cwiseAbs().maxCoeff() < 1e-4);
  }
  // Between-cluster spread of the fitted weights estimates the specific
  // variance (1 - rho) / dim: S = sum (A_cj - mean_c A_cj)^2 / (P (K - 1))
  // over P = O D coefficients, so 1 - S dim estimates rho with sd
  // (1 - rho) sqrt(2 / (P (K - 1))) = 0.016 (chi-square); 5 sd.
  Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(O, D);
  for (const auto& f : fits) mean += f.leftCols(D) / double(K);
  double spread = 0;
  for (const auto& f : fits) spread += (f.leftCols(D) - mean).squaredNorm();
  const double P = double(O * D);
  const double share = 1.0 - spread / (P * double(K - 1)) * double(D);
  CHECK(std::abs(share - 0.3) < 5 * 0.7 * std::sqrt(2.0 / (P * double(K - 1))));
}

TEST_CASE("routing task: a skill task's target is the sum of its skills' maps", "[theory][moe]") {
  RoutingTaskSpec spec;
  spec.structure = TaskStructure::kSkills;
  spec.clusters = 10;
  spec.skills = 5;
  spec.skills_per_task = 2;
  spec.dim = 6;
  spec.out_dim = 2;
  spec.noise = 0;
  INFO("seed 24");
  Rng rng(24, 0, 0, 0);
  const RoutingTask task(spec, rng);
  REQUIRE(task.Maps() == 5);
  // C(5, 2) = 10 = K: the distinct subsets are every pair of skills once.
  std::set<std::vector<int64_t>> pairs;
  for (int64_t t = 0; t < 10; ++t) pairs.insert(task.SkillsOf(t));
  std::set<std::vector<int64_t>> every;
  for (int64_t a = 0; a < 5; ++a)
    for (int64_t b = a + 1; b < 5; ++b) every.insert({a, b});
  CHECK(pairs == every);
  const RoutingSample s = task.Sample(500, rng);
  std::vector<double> x(6), y(2);
  for (int64_t i = 0; i < s.n; ++i) {
    for (int64_t j = 0; j < 6; ++j) x[j] = s.x[i * 6 + j];
    std::fill(y.begin(), y.end(), 0.0);
    for (int64_t skill : task.SkillsOf(s.cluster[i])) task.AddMap(skill, x.data(), y.data());
    // y is the double target rounded to float: relative 6e-8.
    for (int64_t o = 0; o < 2; ++o)
      CHECK(s.y[i * 2 + o] == Approx(y[o]).epsilon(1e-6).margin(1e-6));
  }
}

TEST_CASE("routing task: held-out tasks appear only in the held-out split", "[unit][moe]") {
  RoutingTaskSpec spec;
  spec.structure = TaskStructure::kSkills;
  spec.clusters = 8;
  spec.skills = 6;
  spec.skills_per_task = 3;
  spec.holdout_tasks = 3;
  spec.skew = 1.0;
  INFO("seed 25");
  Rng rng(25, 0, 0, 0);
  const RoutingTask task(spec, rng);
  const RoutingSample train = task.Sample(4000, rng);
  const RoutingSample held = task.Sample(4000, rng, RoutingSplit::kHeldOut);
  const std::set<int32_t> seen_train(train.cluster.begin(), train.cluster.end());
  const std::set<int32_t> seen_held(held.cluster.begin(), held.cluster.end());
  // 4000 draws: each task has pi >= 1/8 / H_8 = 0.046 of its split, so
  // every one appears (miss probability below 1e-80).
  CHECK(seen_train == std::set<int32_t>{0, 1, 2, 3, 4});
  CHECK(seen_held == std::set<int32_t>{5, 6, 7});
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

TEST_CASE("routing task: bad structure keys name the key", "[unit][moe]") {
  Rng rng(1, 0, 0, 0);
  CHECK_THROWS_WITH(ParseTaskStructure("trees"), Catch::Contains("structure"));
  CHECK(ParseTaskStructure("common_specific") == TaskStructure::kCommonSpecific);
  RoutingTaskSpec spec;
  spec.super = 3;
  CHECK_NOTHROW(RoutingTask(spec, rng));  // super is a hierarchical key only
  spec.structure = TaskStructure::kHierarchical;
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("super must divide"));
  spec = {};
  spec.sub_separation = -1.0;
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("sub_separation"));
  spec = {};
  spec.common_share = 1.5;
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("common_share"));
  spec = {};
  spec.structure = TaskStructure::kSkills;
  spec.skills_per_task = 7;
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("skills_per_task must be <= skills"));
  spec.skills = 4;
  spec.skills_per_task = 2;  // C(4, 2) = 6 < K = 8
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("fewer distinct skill subsets"));
  spec = {};
  spec.holdout_tasks = 8;
  CHECK_THROWS_WITH(RoutingTask(spec, rng), Catch::Contains("holdout_tasks"));
  spec.holdout_tasks = 0;
  CHECK_THROWS_WITH(RoutingTask(spec, rng).Sample(4, rng, RoutingSplit::kHeldOut),
                    Catch::Contains("holdout_tasks"));
}

}  // namespace
}  // namespace expertlab::moe
