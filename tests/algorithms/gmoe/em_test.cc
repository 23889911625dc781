#include "algorithms/gmoe/em.h"

#include <Eigen/QR>
#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/gmoe/gate_objective.h"
#include "algorithms/gmoe/truth.h"
#include "algorithms/gmoe/voronoi.h"
#include "sim/registry.h"
#include "tests/algorithms/gmoe/conformance.h"
#include "tests/algorithms/gmoe/test_util.h"

namespace expertlab::gmoe {
namespace {

using testing::TestRng;

std::unique_ptr<MixtureEstimator> MakeEm(const std::string& spec) {
  return Registry<MixtureEstimator>::Instance().Create(spec);
}

TEST_CASE("em conforms to the mixture estimator contract", "[unit]") {
  testing::CheckEstimatorConformance("em(max_iter=100)");
}

// Generalised EM: each M-step does not decrease Q, so the log-likelihood
// never decreases (Dempster, Laird, Rubin 1977, Thm 1). Rounding in a sum
// of n = 1000 terms of order 10 is below 1e-10 |loglik|.
TEST_CASE("em log-likelihood never decreases", "[theory]") {
  const auto em = MakeEm("em(max_iter=100, tol=1e-12)");
  Rng rng = TestRng(40);
  for (const std::string& gate : GateNames()) {
    const Model truth = ReferenceTruth(ParseGate(gate));
    const Sample s = DrawSample(truth, 1000, rng);
    for (int k : {2, 3}) {
      const FitResult fit = em->Fit(s.x, s.y, NearTrueInit(truth, k, {0.5, 1.0, 0.05, 0.3}, rng));
      INFO("gate " << gate << ", k " << k << ", seed " << testing::kSeed);
      const auto& trace = fit.log_likelihood_trace;
      REQUIRE(trace.size() >= 2);
      for (size_t t = 1; t < trace.size(); ++t)
        CHECK(trace[t] >= trace[t - 1] - 1e-10 * std::abs(trace[t]));
    }
  }
}

// Exact-specified softmax gate, n = 20000 from the reference truth. The
// experts' tolerances are 6 standard errors of least squares with the
// labels known (se(b) = sqrt(nu/n_i (1 + xbar^2/var x)), se(a) =
// sqrt(nu/(n_i var x)), se(nu) = nu sqrt(2/n_i)); not knowing the labels
// costs little here, only the ~4% of points in the gate's transition
// (width 1/beta1 = 0.04) are ambiguous. The gate's switch point
// -beta0/beta1 = 0.32 has a standard error of order width/sqrt(points in
// the transition) = 0.04/sqrt(800) = 0.0014; we allow 0.01.
TEST_CASE("em recovers a well-separated model at large n", "[theory]") {
  const Model truth = ReferenceTruth(ParseGate("softmax"));
  Rng rng = TestRng(41);
  const int n = 20000;
  const Sample s = DrawSample(truth, n, rng);
  const Model init = NearTrueInit(truth, 2, {0.5, 1.0, 0.02, 0.0}, rng);
  const FitResult fit = MakeEm("em")->Fit(s.x, s.y, init);
  INFO("seed " << testing::kSeed);
  CHECK(fit.converged);
  for (int i = 0; i < 2; ++i) {
    double count = 0, sx = 0, sxx = 0;
    for (int j = 0; j < n; ++j)
      if (s.expert[j] == i) {
        ++count;
        sx += s.x(j, 0);
        sxx += s.x(j, 0) * s.x(j, 0);
      }
    const double mean = sx / count, var = sxx / count - mean * mean, nu = truth.nu[i];
    CHECK(std::abs(fit.model.a(i, 0) - truth.a(i, 0)) <= 6 * std::sqrt(nu / (count * var)));
    CHECK(std::abs(fit.model.b[i] - truth.b[i]) <=
          6 * std::sqrt(nu / count * (1 + mean * mean / var)));
    CHECK(std::abs(fit.model.nu[i] - nu) <= 6 * nu * std::sqrt(2 / count));
  }
  CHECK(std::abs(-fit.model.beta0[0] / fit.model.beta1(0, 0) - 0.32) <= 0.01);
}

// The fused E-step (one blocked pass) against the unfused formulas of
// model.h and gate_objective.h, and the experts' M-step from its moments
// against weighted least squares on the rows; n = 700 ends in a partial
// block. Tolerances: sums of 700 terms reordered, and nu from expanded
// moments (cancellation of sum R y^2 ~ 1e3 against residuals ~ 1: about
// 1e-13 relative).
TEST_CASE("fused E-step and M-step equal the unfused formulas", "[unit][theory]") {
  Rng rng = TestRng(43);
  for (const std::string& gate : GateNames()) {
    const Model m = testing::RandomModel(gate, 3, 2, rng);
    const Sample s = DrawSample(m, 700, rng);
    INFO("gate " << gate << ", seed " << testing::kSeed);
    EStep e;
    RunEStep(m, s.x, s.y, e);
    const Eigen::MatrixXd joint = JointLogDensity(m, s.x, s.y);
    const Eigen::MatrixXd resp = (joint.colwise() - RowLogSumExp(joint)).array().exp();
    CHECK((e.responsibilities - resp).cwiseAbs().maxCoeff() <= 1e-13);
    CHECK(e.log_likelihood == Approx(LogLikelihood(m, s.x, s.y)).epsilon(1e-13));
    Eigen::VectorXd grad;
    Eigen::MatrixXd fisher;
    CHECK(e.gate.q == Approx(GateObjective(m, s.x, resp, &grad, &fisher)).epsilon(1e-12));
    CHECK((e.gate.gradient - grad).norm() <= 1e-9 * (1 + grad.norm()));
    CHECK((e.gate.fisher - fisher).norm() <= 1e-9 * (1 + fisher.norm()));

    Model updated = m;
    UpdateExperts(updated, e, 1e-8);
    Eigen::MatrixXd design(s.x.rows(), 3);
    design << s.x, Eigen::VectorXd::Ones(s.x.rows());
    for (int i = 0; i < 3; ++i) {
      const Eigen::VectorXd w = resp.col(i).cwiseSqrt();
      const Eigen::VectorXd coef =
          (w.asDiagonal() * design).colPivHouseholderQr().solve(w.cwiseProduct(s.y));
      CHECK((updated.a.row(i).transpose() - coef.head(2)).norm() <= 1e-9 * (1 + coef.norm()));
      CHECK(updated.b[i] == Approx(coef[2]).epsilon(1e-9).margin(1e-9));
      const Eigen::VectorXd residual = s.y - design * coef;
      const double nu = resp.col(i).dot(residual.cwiseAbs2()) / resp.col(i).sum();
      CHECK(updated.nu[i] == Approx(nu).epsilon(1e-9));
    }
  }
}

TEST_CASE("em is deterministic and refuses too small a sample", "[determinism]") {
  const Model truth = ReferenceTruth(ParseGate("tanh"));
  Rng a = TestRng(42), b = TestRng(42);
  const Sample s = DrawSample(truth, 500, a);
  const Model init = NearTrueInit(truth, 3, NearTrueScales(500), b);
  const auto em = MakeEm("em(max_iter=50)");
  const FitResult one = em->Fit(s.x, s.y, init), two = em->Fit(s.x, s.y, init);
  CHECK(one.log_likelihood_trace == two.log_likelihood_trace);
  CHECK(VoronoiD2(one.model, two.model, Coordinates::kRaw) == 0.0);
  CHECK_THROWS_WITH(em->Fit(s.x.topRows(5), s.y.head(5), init), Catch::Contains("need n >="));
}

}  // namespace
}  // namespace expertlab::gmoe
