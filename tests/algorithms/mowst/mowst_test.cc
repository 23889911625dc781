#include "algorithms/mowst/mowst.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <vector>

#include "algorithms/mowst/graph.h"
#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::mowst {
namespace {

TEST_CASE("mowst: dispersions by hand", "[theory][mowst]") {
  // K = 3: Var(e_1) = 2 / 9. A one-hot q has D_var = D_ent = 1, the
  // uniform q 0 and 0; q = (1/2, 1/2, 0): Var = (2 / 36 + 4 / 36) / 3 =
  // 1 / 18, so D_var = 1 / 4, and D_ent = 1 - log 2 / log 3.
  const double one_hot[] = {0, 1, 0}, uniform[] = {1.0 / 3, 1.0 / 3, 1.0 / 3},
               half[] = {0.5, 0.5, 0};
  CHECK(VarianceDispersion(one_hot, 3) == Approx(1.0));
  CHECK(EntropyDispersion(one_hot, 3) == Approx(1.0));
  CHECK(VarianceDispersion(uniform, 3) == Approx(0.0).margin(1e-15));
  CHECK(EntropyDispersion(uniform, 3) == Approx(0.0).margin(1e-15));
  CHECK(VarianceDispersion(half, 3) == Approx(0.25));
  CHECK(EntropyDispersion(half, 3) == Approx(1 - std::log(2.0) / std::log(3.0)));
}

TEST_CASE("mowst: the confidence gate and the loss equal their formulas", "[theory][mowst]") {
  // Two nodes, K = 2. Node 0: MLP logits (2, 0), q_0 = (e^2, 1) / (e^2 + 1);
  // GNN logits (0, 0). Label 0. Gate a = 1, b = -2, c = 0.5.
  Eigen::MatrixXd zm(2, 2), zg(2, 2);
  zm << 2, 0, 0, 1;
  zg << 0, 0, 1, -1;
  Gate gate;
  gate.a = 1;
  gate.b = -2;
  gate.c = 0.5;
  std::vector<double> c;
  const MowstLoss l = MowstObjective(zm, zg, {0, 1}, {0}, gate, &c, false);
  const double q0 = std::exp(2.0) / (std::exp(2.0) + 1);
  // K = 2: Var(q) = (q0 - 1/2)^2, Var(e_1) = 1/4.
  const double dvar = 4 * (q0 - 0.5) * (q0 - 0.5);
  const double dent = 1 + (q0 * std::log(q0) + (1 - q0) * std::log(1 - q0)) / std::log(2.0);
  const double c0 = 1 / (1 + std::exp(-(dvar - 2 * dent + 0.5)));
  CHECK(c[0] == Approx(c0));
  CHECK(l.loss == Approx(c0 * -std::log(q0) + (1 - c0) * std::log(2.0)));
}

TEST_CASE("mowst: the mean propagation matrix by hand", "[theory][mowst]") {
  // Path 0 - 1 - 2 with self loops: row 0 = (1/2, 1/2, 0), row 1 = 1/3 each.
  const SparseMatrix a = MeanPropagation(3, {{0, 1}, {1, 2}, {1, 0}});
  const Eigen::MatrixXd dense(a);
  Eigen::MatrixXd want(3, 3);
  want << 0.5, 0.5, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0.5, 0.5;
  CHECK((dense - want).cwiseAbs().maxCoeff() < 1e-15);
  CHECK_THROWS_WITH(MeanPropagation(3, {{0, 3}}), Catch::Contains("outside"));
}

// Central differences of f over every entry of `v`, against `grad`.
void CheckGradient(const std::function<double()>& f, double* v, const double* grad, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double keep = v[i], h = 1e-6;
    v[i] = keep + h;
    const double up = f();
    v[i] = keep - h;
    const double down = f();
    v[i] = keep;
    REQUIRE(grad[i] == Approx((up - down) / (2 * h)).margin(1e-7));
  }
}

TEST_CASE("mowst: the loss's gradient matches central differences, through the gate",
          "[theory][mowst]") {
  CsbmSpec spec;
  spec.nodes = 12;
  spec.dim = 4;
  Rng rng(41, 0, 0, 0);
  const Graph g = DrawCsbm(spec, rng);
  TwoLayerNet mlp(4, 5, 3, rng), gnn(4, 5, 3, rng);
  Gate gate;
  gate.a = 0.7;
  gate.b = -1.3;
  gate.c = 0.2;
  const std::vector<int64_t> train = {0, 2, 3, 5, 7, 8, 11};
  const auto loss = [&] {
    return MowstObjective(mlp.Forward(g.x, nullptr), gnn.Forward(g.x, &g.propagate), g.label, train,
                          gate, nullptr, false)
        .loss;
  };
  const MowstLoss l = MowstObjective(mlp.Forward(g.x, nullptr), gnn.Forward(g.x, &g.propagate),
                                     g.label, train, gate, nullptr, true);
  mlp.Backward(l.dmlp, nullptr);
  gnn.Backward(l.dgnn, &g.propagate);
  for (TwoLayerNet* net : {&mlp, &gnn})
    for (const auto& ref : net->Params()) CheckGradient(loss, ref.value, ref.grad, ref.size);
  for (const auto& ref : gate.Params()) CheckGradient(loss, ref.value, ref.grad, ref.size);
}

TEST_CASE("mowst: the contextual SBM has the degrees and homophily it is asked for",
          "[theory][mowst]") {
  // 1200 nodes, half structure nodes: a structure node expects 8
  // same-class and 1 other-class structure neighbours plus class-blind
  // edges from feature nodes (600 x 6 / 1199 ~ 3.0); a feature node
  // expects 6 class-blind ones.
  CsbmSpec spec;
  spec.nodes = 1200;
  Rng rng(42, 0, 0, 0);
  const Graph g = DrawCsbm(spec, rng);
  const Eigen::MatrixXd a(g.propagate);
  double same = 0, other = 0, blind_of_feature = 0, structure = 0, feature = 0;
  for (int64_t i = 0; i < spec.nodes; ++i) {
    (g.structure[i] ? structure : feature) += 1;
    for (int64_t j = 0; j < spec.nodes; ++j) {
      if (j == i || a(i, j) == 0) continue;
      if (!g.structure[i])
        blind_of_feature += 1;
      else if (g.structure[j])
        (g.label[i] == g.label[j] ? same : other) += 1;
    }
  }
  // Means of ~600 Poisson-like counts: standard errors ~0.12, 0.04, 0.1.
  CHECK(same / structure == Approx(8.0).margin(0.5));
  CHECK(other / structure == Approx(1.0).margin(0.25));
  CHECK(blind_of_feature / feature == Approx(6.0).margin(0.5));
  CHECK(structure / spec.nodes == Approx(0.5).margin(0.05));
  spec.classes = 1;
  CHECK_THROWS_WITH(DrawCsbm(spec, rng), Catch::Contains("classes"));
  spec.classes = 3;
  spec.structure_share = 1.5;
  CHECK_THROWS_WITH(DrawCsbm(spec, rng), Catch::Contains("structure_share"));
}

TEST_CASE("mowst: bad training sets are errors", "[unit][mowst]") {
  Eigen::MatrixXd z = Eigen::MatrixXd::Zero(2, 2);
  Gate gate;
  CHECK_THROWS_WITH(MowstObjective(z, z, {0, 1}, {}, gate, nullptr, false),
                    Catch::Contains("no training nodes"));
  Eigen::MatrixXd one = Eigen::MatrixXd::Zero(2, 1);
  CHECK_THROWS_WITH(MowstObjective(one, one, {0, 0}, {0}, gate, nullptr, false),
                    Catch::Contains("K >= 2"));
}

}  // namespace
}  // namespace expertlab::mowst
