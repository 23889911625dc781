#include "algorithms/moe/train/routing_metrics.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "sim/rng.h"

namespace expertlab::moe {
namespace {

TEST_CASE("routing metrics: entropy, CV, NMI and purity by hand", "[theory][moe]") {
  CHECK(NormalizedLoadEntropy({5, 5, 5, 5}) == Approx(1.0).epsilon(1e-15));
  CHECK(NormalizedLoadEntropy({0, 7, 0, 0}) == 0.0);
  // f = (1/2, 1/4, 1/4): H = 1.5 ln 2, over ln 3.
  CHECK(NormalizedLoadEntropy({2, 1, 1}) == Approx(1.5 * std::log(2.0) / std::log(3.0)));
  CHECK(LoadCoefficientOfVariation({1, 3}) == Approx(0.5));
  CHECK(LoadCoefficientOfVariation({0, 0}) == 0.0);
  // A relabelling is perfect agreement; a product grid is independence.
  const std::vector<int32_t> a = {0, 0, 1, 1, 2, 2}, b = {2, 2, 0, 0, 1, 1};
  CHECK(NormalizedMutualInformation(a.data(), 3, b.data(), 3, 6) == Approx(1.0));
  const std::vector<int32_t> u = {0, 0, 1, 1}, v = {0, 1, 0, 1};
  CHECK(NormalizedMutualInformation(u.data(), 2, v.data(), 2, 4) == Approx(0.0).margin(1e-15));
  // a = (0,0,0,1), b = (0,0,1,1): H(a) = H(3/4), H(b) = ln 2,
  // H(a,b) = 1.5 ln 2 (masses 1/2, 1/4, 1/4).
  const std::vector<int32_t> p = {0, 0, 0, 1}, q = {0, 0, 1, 1};
  const double ha = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25)), hb = std::log(2.0);
  CHECK(NormalizedMutualInformation(p.data(), 2, q.data(), 2, 4) ==
        Approx(2 * (ha + hb - 1.5 * std::log(2.0)) / (ha + hb)));
  // Majority expert per cluster: cluster 0 -> 2 of 2, cluster 1 -> 1 of 2.
  CHECK(Purity(p.data(), 2, q.data(), 2, 4) == Approx(0.75));
}

TEST_CASE("routing metrics: the assignment matches brute force over every map", "[theory][moe]") {
  // Random integer weights, every shape up to 5 x 5 (rows < cols, = and >):
  // the Hungarian method against the best of all one-to-one maps.
  Rng rng(21, 0, 0, 0);
  for (int64_t rows = 1; rows <= 5; ++rows)
    for (int64_t cols = 1; cols <= 5; ++cols)
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<double> w(static_cast<size_t>(rows * cols));
        for (double& x : w) x = static_cast<double>(rng.UniformInt(10));
        // Brute force: permutations of the larger side's indices; the
        // first min(rows, cols) entries pair with the smaller side.
        const int64_t small = std::min(rows, cols), large = std::max(rows, cols);
        std::vector<int64_t> perm(static_cast<size_t>(large));
        std::iota(perm.begin(), perm.end(), int64_t{0});
        double best = 0;
        do {
          double total = 0;
          for (int64_t i = 0; i < small; ++i)
            total += rows <= cols ? w[i * cols + perm[i]] : w[perm[i] * cols + i];
          best = std::max(best, total);
        } while (std::next_permutation(perm.begin(), perm.end()));
        std::vector<int64_t> column_of_row;
        REQUIRE(MaxWeightMatching(w, rows, cols, &column_of_row) == best);
        // The returned map is one-to-one and attains the optimum.
        double attained = 0;
        std::vector<int> used(static_cast<size_t>(cols), 0);
        for (int64_t i = 0; i < rows; ++i) {
          if (column_of_row[i] < 0) continue;
          REQUIRE(used[column_of_row[i]]++ == 0);
          attained += w[i * cols + column_of_row[i]];
        }
        REQUIRE(std::count(column_of_row.begin(), column_of_row.end(), -1) == rows - small);
        REQUIRE(attained == best);
      }
}

TEST_CASE("routing metrics: oracle agreement by hand", "[theory][moe]") {
  // Clusters 0, 1, 2 of 4 tokens each. Expert 0 takes all of cluster 0 and
  // 3 of cluster 1; expert 1 the last of cluster 1 and 2 of cluster 2;
  // expert 2 the other 2 of cluster 2. Purity counts expert 0 twice (4 + 3
  // + 2 = 9 of 12); the oracle maps clusters to distinct experts, at best
  // 0 -> 0 (4), 1 -> 1 (1), 2 -> 2 (2): 7 of 12 (1 -> 0 gives 3 + 2 + 0).
  const std::vector<int32_t> expert = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2};
  const std::vector<int32_t> cluster = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
  CHECK(Purity(expert.data(), 3, cluster.data(), 3, 12) == Approx(9.0 / 12));
  CHECK(OracleAgreement(expert.data(), 3, cluster.data(), 3, 12) == Approx(7.0 / 12));
  // A relabelling agrees fully; more clusters than experts cannot.
  const std::vector<int32_t> a = {0, 0, 1, 1, 2, 2}, b = {2, 2, 0, 0, 1, 1};
  CHECK(OracleAgreement(a.data(), 3, b.data(), 3, 6) == 1.0);
  const std::vector<int32_t> one = {0, 0, 0, 0}, two = {0, 0, 1, 1};
  CHECK(OracleAgreement(one.data(), 1, two.data(), 2, 4) == 0.5);
}

TEST_CASE("routing metrics: a layer state summarised by hand", "[theory][moe]") {
  // 4 tokens, E = 2, one slot: probabilities favour expert 0 for tokens
  // 0-2; token 3's slot was dropped by capacity.
  MoeState<double> state;
  state.tokens = 4;
  state.slots = 1;
  state.routing.Resize(4, 2, 1);
  state.routing.probs = {0.9, 0.1, 0.8, 0.2, 0.6, 0.4, 0.3, 0.7};
  state.expert = {0, 0, 0, -1};
  state.stats.load = {3, 1};
  state.stats.dropped = 1;
  const std::vector<int32_t> clusters = {0, 0, 1, 1};
  const RoutingSummary s = SummarizeRouting(state, 2, clusters.data(), 2);
  CHECK(s.drop_rate == Approx(0.25));
  CHECK(s.experts_per_token == Approx(0.75));
  CHECK(s.zero_expert_rate == Approx(0.25));
  CHECK(s.max_load == Approx(1.5));
  CHECK(s.dead_experts == 0);
  CHECK(s.load_cv == Approx(0.5));
  // Top-1 = (0, 0, 0, 1) against clusters (0, 0, 1, 1): the case above.
  CHECK(s.purity == Approx(0.75));
  // Cluster 0: tokens 0, 1 with one expert each; cluster 1: one and none.
  CHECK(ExpertsPerTokenByLabel(state, 2, clusters.data(), 2) == std::vector<double>{1.0, 0.5});
  // Weighted by widths (3, 10): cluster 0 = (3 + 3) / 2, cluster 1 = 3 / 2;
  // over all tokens (3 + 3 + 3 + 0) / 4.
  const double widths[] = {3, 10};
  CHECK(ExpertsPerTokenByLabel(state, 2, clusters.data(), 2, widths) ==
        std::vector<double>{3.0, 1.5});
  MoeConfig config;
  config.experts = 2;
  config.d_ff = 7;
  config.expert_widths = {3, 10};
  CHECK(ActiveWidthPerToken(state, config) == Approx(9.0 / 4));
}

TEST_CASE("routing metrics: expert groups per token and their NMI by hand", "[theory][moe]") {
  // E = 4 in G = 2 groups {0, 1}, {2, 3}, two slots. Token 0: experts 0, 1
  // (one group); token 1: 3 (weight 0.7) and 0 (two groups, main 1);
  // token 2: 2 and a dropped slot (one group); token 3: none kept (label G).
  MoeState<double> state;
  state.tokens = 4;
  state.slots = 2;
  state.expert = {0, 1, 3, 0, 2, -1, -1, -1};
  state.weight = {0.6, 0.4, 0.7, 0.3, 0.9, 0, 0, 0};
  const std::vector<int32_t> super = {0, 1, 1, 0};
  const GroupSummary g = SummarizeGroups(state, 4, 2, super.data(), 2);
  CHECK(g.groups_per_token == Approx((1 + 2 + 1 + 0) / 4.0));
  // Main groups (0, 1, 1, 2) against (0, 1, 1, 0): H(A) = 1.5 bits,
  // H(B) = 1, H(A, B) = 1.5, I = 1, NMI = 2 / 2.5 = 0.8.
  CHECK(g.nmi == Approx(0.8));
  CHECK_THROWS_WITH(SummarizeGroups(state, 4, 3, super.data(), 2), Catch::Contains("groups = 3"));
}

TEST_CASE("routing metrics: labels outside their range are refused", "[unit][moe]") {
  const std::vector<int32_t> a = {0, 3}, b = {0, 0};
  CHECK_THROWS(NormalizedMutualInformation(a.data(), 2, b.data(), 1, 2));
}

}  // namespace
}  // namespace expertlab::moe
