#include "algorithms/moe/merge_experts.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <vector>

#include "algorithms/moe/layer.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

MoeConfig MergeTestConfig() {
  MoeConfig config;
  config.d_model = 4;
  config.d_ff = 5;
  config.experts = 3;
  config.top_k = 2;
  return config;
}

// The blocks of expert e (gate, up, down), d x f entries each.
std::vector<std::vector<double>> BlocksOf(const MoeWeights<double>& w, int64_t e) {
  const int64_t n = w.d * w.Width(e);
  return {{w.Gate(e), w.Gate(e) + n}, {w.Up(e), w.Up(e) + n}, {w.Down(e), w.Down(e) + n}};
}

// Expert `to` of w := expert `from` of src with hidden units reordered
// (new i = old p[i]), written by hand: gate and up columns, down rows.
void CopyPermuted(const MoeWeights<double>& src, int64_t from, MoeWeights<double>* w, int64_t to,
                  const std::vector<int64_t>& p) {
  const int64_t d = w->d, f = w->Width(to);
  for (int64_t r = 0; r < d; ++r)
    for (int64_t i = 0; i < f; ++i) {
      w->Gate(to)[r * f + i] = src.Gate(from)[r * f + p[i]];
      w->Up(to)[r * f + i] = src.Up(from)[r * f + p[i]];
    }
  for (int64_t i = 0; i < f; ++i)
    for (int64_t c = 0; c < d; ++c) w->Down(to)[i * d + c] = src.Down(from)[p[i] * d + c];
}

TEST_CASE("merging: usage frequencies and router-logit similarity by hand", "[theory][moe]") {
  // Three tokens (stride 4: a padding column), E = 3: top-1 experts 1, 1, 0.
  const std::vector<double> z = {0, 2, 1, 9, 1, 3, 0, 9, 4, 1, -1, 9};
  const std::vector<double> f = TopOneFrequencies(z.data(), 3, 3, 4);
  CHECK(f == std::vector<double>{1.0 / 3, 2.0 / 3, 0.0});
  // Columns (0, 1, 4), (2, 3, 1), (1, 0, -1): cos(0, 1) = 7 / sqrt(17 * 14).
  const std::vector<double> s = RouterLogitSimilarity(z.data(), 3, 3, 4);
  CHECK(s[0 * 3 + 1] == Approx(7 / std::sqrt(17.0 * 14.0)));
  CHECK(s[1 * 3 + 0] == Approx(s[0 * 3 + 1]));
  CHECK(s[0 * 3 + 2] == Approx(-4 / std::sqrt(17.0 * 2.0)));
  CHECK(s[2 * 3 + 2] == Approx(1.0));
}

TEST_CASE("merging: the global group budget by hand", "[theory][moe]") {
  // Each layer's most used expert counts as 1: layer 0 (1, .3, .15, .05),
  // layer 1 (1, .4, .1, .1); pooled and sorted 1, 1, .4, .3, .15, .1, .1, .05.
  const std::vector<std::vector<double>> f = {{0.5, 0.3, 0.15, 0.05}, {0.4, 0.4, 0.1, 0.1}};
  // Gbar = 2: theta = the 5th largest (.15); > theta: 2 and 2 groups.
  CHECK(GroupsPerLayer(f, 2) == std::vector<int64_t>{2, 2});
  // Gbar = 1: theta = .4, which layer 1's second expert does not exceed.
  CHECK(GroupsPerLayer(f, 1) == std::vector<int64_t>{1, 1});
  // Gbar = 3: theta = .1; layer 1's two experts at .1 go (ties merge).
  CHECK(GroupsPerLayer(f, 3) == std::vector<int64_t>{3, 2});
  CHECK(GroupsPerLayer(f, 4) == std::vector<int64_t>{4, 4});
  CHECK_THROWS_WITH(GroupsPerLayer(f, 5), Catch::Contains("groups") && Catch::Contains("[1, 4]"));
  CHECK_THROWS_WITH(GroupsPerLayer(f, 0), Catch::Contains("groups"));
}

TEST_CASE("merging: experts join the dominant expert their router column is most like",
          "[theory][moe]") {
  // Frequencies make experts 1 and 2 the cores of 2 groups; expert 0 is
  // most like 2, expert 3 most like 1.
  const std::vector<double> f = {0.1, 0.4, 0.3, 0.2};
  const std::vector<double> s = {1,   0.2, 0.9, 0.1,  //
                                 0.2, 1,   0.3, 0.8,  //
                                 0.9, 0.3, 1,   0.5,  //
                                 0.1, 0.8, 0.5, 1};
  CHECK(GroupAroundDominant(f, s, 2) == std::vector<int32_t>{2, 1, 2, 1});
  CHECK(GroupAroundDominant(f, s, 1) == std::vector<int32_t>{1, 1, 1, 1});
  CHECK(GroupAroundDominant(f, s, 4) == std::vector<int32_t>{0, 1, 2, 3});
  CHECK_THROWS_WITH(GroupAroundDominant(f, s, 5), Catch::Contains("groups"));
}

TEST_CASE("merging: weight matching recovers a permutation of the hidden units", "[theory][moe]") {
  Rng rng(31, 0, 0, 0);
  auto w = MoeWeights<double>::Random(MergeTestConfig(), rng);
  const std::vector<int64_t> p = {3, 0, 4, 1, 2};
  CopyPermuted(w, 0, &w, 1, p);
  // Aligning expert 1 to expert 0 undoes p: expert 1 becomes expert 0.
  PermuteHiddenUnits(&w, 1, AlignHiddenUnits(w, 0, 1));
  CHECK(BlocksOf(w, 1) == BlocksOf(w, 0));
  CHECK_THROWS_WITH(PermuteHiddenUnits(&w, 1, {0, 0, 1, 2, 3}), Catch::Contains("permutation"));
}

TEST_CASE("merging: permuting hidden units leaves the layer's output unchanged", "[theory][moe]") {
  const MoeConfig config = MergeTestConfig();
  Rng rng(32, 0, 0, 0);
  auto w = MoeWeights<double>::Random(config, rng, 2.0);
  const int64_t T = 6, d = config.d_model;
  std::vector<double> x(T * d), before(T * d), after(T * d);
  for (double& v : x) v = Normal(rng);
  MoeState<double> state;
  MoeLayer<double>(config, Registry<Router>::Instance().Create("topk_softmax"), w)
      .Forward(x.data(), T, before.data(), &state);
  PermuteHiddenUnits(&w, 0, {4, 2, 0, 1, 3});
  PermuteHiddenUnits(&w, 2, {1, 0, 3, 4, 2});
  MoeLayer<double>(config, Registry<Router>::Instance().Create("topk_softmax"), w)
      .Forward(x.data(), T, after.data(), &state);
  for (int64_t i = 0; i < T * d; ++i) CHECK(after[i] == Approx(before[i]).epsilon(1e-12));
}

TEST_CASE("merging: a group becomes the frequency-weighted average after alignment",
          "[theory][moe]") {
  // Experts 1 and 2 are permuted copies of near-copies A1 = W0 + 0.01 N1,
  // A2 = W0 + 0.01 N2 of expert 0: alignment to core 0 undoes each
  // permutation, so the merge with frequencies (.5, .3, .2) must equal
  // .5 W0 + .3 A1 + .2 A2 in every member.
  Rng rng(33, 0, 0, 0);
  auto near = MoeWeights<double>::Random(MergeTestConfig(), rng);
  for (int64_t e : {1, 2}) {
    CopyPermuted(near, 0, &near, e, {0, 1, 2, 3, 4});
    for (double* block : {near.Gate(e), near.Up(e), near.Down(e)})
      for (int64_t i = 0; i < 20; ++i) block[i] += 0.01 * Normal(rng);
  }
  auto shuffled = near;
  CopyPermuted(near, 1, &shuffled, 1, {2, 4, 1, 0, 3});
  CopyPermuted(near, 2, &shuffled, 2, {1, 3, 0, 4, 2});
  const std::vector<double> freq = {0.5, 0.3, 0.2};
  MergeExpertGroups(&shuffled, {0, 0, 0}, freq, /*align=*/true);
  for (int64_t e = 0; e < 3; ++e) {
    const auto got = BlocksOf(shuffled, e);
    const auto w0 = BlocksOf(near, 0), a1 = BlocksOf(near, 1), a2 = BlocksOf(near, 2);
    for (size_t m = 0; m < 3; ++m)
      for (size_t i = 0; i < got[m].size(); ++i)
        REQUIRE(got[m][i] == Approx(0.5 * w0[m][i] + 0.3 * a1[m][i] + 0.2 * a2[m][i]));
  }
  // Without alignment the permuted members are averaged as they are; a
  // group of one, and the router, are untouched.
  auto plain = near;
  CopyPermuted(near, 1, &plain, 1, {2, 4, 1, 0, 3});
  const auto permuted = BlocksOf(plain, 1), core = BlocksOf(plain, 0), alone = BlocksOf(plain, 2);
  const auto router = plain.router;
  MergeExpertGroups(&plain, {0, 0, 2}, {3, 1, 7}, /*align=*/false);
  for (size_t m = 0; m < 3; ++m)
    for (size_t i = 0; i < core[m].size(); ++i)
      REQUIRE(BlocksOf(plain, 1)[m][i] == Approx(0.75 * core[m][i] + 0.25 * permuted[m][i]));
  CHECK(BlocksOf(plain, 2) == alone);
  CHECK(std::vector<double>(plain.router.begin(), plain.router.end()) ==
        std::vector<double>(router.begin(), router.end()));
}

TEST_CASE("merging: bad groups are errors", "[unit][moe]") {
  Rng rng(34, 0, 0, 0);
  auto w = MoeWeights<double>::Random(MergeTestConfig(), rng);
  CHECK_THROWS_WITH(MergeExpertGroups(&w, {0, 0}, {1, 1}, true), Catch::Contains("one entry"));
  // Expert 2 names expert 1, which is not its own core.
  CHECK_THROWS_WITH(MergeExpertGroups(&w, {0, 0, 1}, {1, 1, 1}, true), Catch::Contains("core"));
  CHECK_THROWS_WITH(MergeExpertGroups(&w, {0, 0, 5}, {1, 1, 1}, true), Catch::Contains("core"));
  CHECK_THROWS_WITH(MergeExpertGroups(&w, {0, 0, 2}, {1, -1, 1}, true), Catch::Contains(">= 0"));
  MoeConfig ragged = MergeTestConfig();
  ragged.expert_widths = {5, 4, 5};
  auto r = MoeWeights<double>::Random(ragged, rng);
  CHECK_THROWS_WITH(MergeExpertGroups(&r, {0, 0, 2}, {1, 1, 1}, true),
                    Catch::Contains("different widths"));
}

TEST_CASE("best rank-r approximation: Eckart-Young on a rotated diagonal", "[theory][moe]") {
  // W = R(0.3) diag(4, 2, 1) R(0.7)^T (Givens rotations in the first two
  // coordinates on the left, the last two on the right; 4 x 3 with a zero
  // row): singular values 4, 2, 1, so the rank-r error in Frobenius norm
  // is sqrt(sum of the dropped sigma^2) = sqrt(5), 1, 0 for r = 1, 2, 3.
  const double c1 = std::cos(0.3), s1 = std::sin(0.3), c2 = std::cos(0.7), s2 = std::sin(0.7);
  const double left[4][3] = {{c1, -s1, 0}, {s1, c1, 0}, {0, 0, 1}, {0, 0, 0}};
  const double right[3][3] = {{1, 0, 0}, {0, c2, -s2}, {0, s2, c2}};
  const double sigma[3] = {4, 2, 1};
  std::vector<double> w(12, 0.0);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) w[i * 3 + j] += left[i][k] * sigma[k] * right[j][k];
  const double expected[] = {std::sqrt(5.0), 1.0, 0.0};
  for (int64_t r = 1; r <= 3; ++r) {
    const std::vector<double> approx = BestRankApproximation(w, 4, 3, r);
    double error = 0;
    for (int i = 0; i < 12; ++i) error += (w[i] - approx[i]) * (w[i] - approx[i]);
    CHECK(std::sqrt(error) == Approx(expected[r - 1]).margin(1e-12));
  }
  // The rank-1 part is sigma_1 u_1 v_1^T = 4 (c1, s1, 0, 0)^T (1, 0, 0).
  const std::vector<double> one = BestRankApproximation(w, 4, 3, 1);
  CHECK(one[0] == Approx(4 * c1));
  CHECK(one[3] == Approx(4 * s1));
  CHECK(one[1] == Approx(0.0).margin(1e-12));
}

TEST_CASE("low rank plus sparse: the best rank-r part, then the largest residual entries",
          "[theory][moe]") {
  // diag(5, 3, 1, 0.5): its best rank-2 approximation keeps 5 and 3
  // (Eckart-Young); one sparse entry restores the largest residual, 1.
  std::vector<double> m(16, 0.0);
  const double diag[] = {5, 3, 1, 0.5};
  for (int i = 0; i < 4; ++i) m[i * 5] = diag[i];
  auto a = m;
  CHECK(LowRankPlusSparse(a.data(), 4, 4, 2, 0.0) == 2 * (4 + 4));
  for (int i = 0; i < 16; ++i) CHECK(a[i] == Approx(i == 0 ? 5 : i == 5 ? 3 : 0).margin(1e-12));
  auto b = m;
  CHECK(LowRankPlusSparse(b.data(), 4, 4, 2, 1.0 / 16) == 2 * 8 + 1);
  CHECK(b[10] == Approx(1.0));
  CHECK(b[15] == Approx(0.0).margin(1e-12));
  // A rank-1 matrix (outer product) is kept exactly at rank 1; keep = 1
  // restores any matrix at rank 0.
  std::vector<double> outer = {1, 2, 3, 2, 4, 6};
  auto c = outer;
  LowRankPlusSparse(c.data(), 2, 3, 1, 0.0);
  for (int i = 0; i < 6; ++i) CHECK(c[i] == Approx(outer[i]));
  auto e = m;
  CHECK(LowRankPlusSparse(e.data(), 4, 4, 0, 1.0) == 16);
  CHECK(e == m);
  CHECK_THROWS_WITH(LowRankPlusSparse(e.data(), 4, 4, -1, 0.1), Catch::Contains("rank"));
  CHECK_THROWS_WITH(LowRankPlusSparse(e.data(), 4, 4, 1, 1.5), Catch::Contains("sparse"));
}

}  // namespace
}  // namespace expertlab::moe
