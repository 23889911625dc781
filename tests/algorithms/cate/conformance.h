// Helpers shared by the treatment-effect family's tests: small linear
// observational data sets, a fit, and the conformance checks every
// learner's test calls.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>

#include "algorithms/cate/learner.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::cate::testing {

inline Rng TestRng(uint64_t stream, uint64_t seed = 20261203) {
  return Rng(seed, 0xca7e, 0, stream);
}

// n rows of D uniform covariates, mu_0 = w0.x + 1, tau = w1.x - 0.5 (so
// tau = mu1 - mu0 is linear with both signs; with `sine_effect`,
// tau = sin(2 pi x_0) instead, which no linear model follows), actions
// from a logistic policy pi = sigmoid(g.x - g.1/2) with g of norm
// `strength` (overlap shrinks as it grows); noiseless factual outcomes.
struct LinearWorld {
  ObservationalData data;
  Eigen::VectorXd mu0, mu1;
  Eigen::VectorXd Tau() const { return mu1 - mu0; }
};

inline LinearWorld MakeLinearWorld(int n, int dim, double strength, uint64_t seed,
                                   bool sine_effect = false) {
  Rng rng = TestRng(1, seed);
  LinearWorld world;
  world.data.x = Eigen::MatrixXd(n, dim);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < dim; ++j) world.data.x(i, j) = rng.Uniform();
  Eigen::VectorXd w0(dim), w1(dim), g(dim);
  for (int j = 0; j < dim; ++j) {
    w0(j) = 2 * rng.Uniform() - 1;
    w1(j) = 2 * rng.Uniform() - 1;
    g(j) = Normal(rng);
  }
  g *= strength / g.norm();
  world.mu0 = (world.data.x * w0).array() + 1;
  const Eigen::VectorXd tau =
      sine_effect ? Eigen::VectorXd((2 * M_PI * world.data.x.col(0)).array().sin())
                  : Eigen::VectorXd((world.data.x * w1).array() - 0.5);
  world.mu1 = world.mu0 + tau;
  const Eigen::VectorXd logit = (world.data.x * g).array() - 0.5 * g.sum();
  world.data.propensity = (1 + (-logit).array().exp()).inverse();
  world.data.y.resize(n);
  for (int i = 0; i < n; ++i) {
    world.data.a.push_back(rng.Uniform() < world.data.propensity(i) ? 1 : 0);
    world.data.y(i) = world.data.a.back() ? world.mu1(i) : world.mu0(i);
  }
  return world;
}

inline CatePrediction FitPredict(const std::string& spec, const ObservationalData& data,
                                 const Eigen::MatrixXd& x, uint64_t seed) {
  auto learner = Registry<CateLearner>::Instance().Create(spec);
  Rng rng = TestRng(2, seed);
  learner->Fit(data, rng);
  return learner->Predict(x);
}

// Finite predictions of the right size, tau = mu1 - mu0 when `tau_is_difference`,
// identical under one seed, and an error on data with an empty arm or a
// non-binary action.
inline void CheckLearnerConformance(const std::string& spec, bool tau_is_difference = true) {
  const LinearWorld world = MakeLinearWorld(300, 4, 1.0, 7);
  const CatePrediction p = FitPredict(spec, world.data, world.data.x, 3);
  REQUIRE(p.tau.size() == 300);
  REQUIRE(p.mu0.size() == 300);
  REQUIRE(p.mu1.size() == 300);
  CHECK(p.tau.allFinite());
  CHECK(p.mu0.allFinite());
  CHECK(p.mu1.allFinite());
  if (tau_is_difference) CHECK((p.tau - (p.mu1 - p.mu0)).cwiseAbs().maxCoeff() < 1e-12);
  const CatePrediction again = FitPredict(spec, world.data, world.data.x, 3);
  CHECK(again.tau == p.tau);

  ObservationalData one_arm = world.data;
  for (int& a : one_arm.a) a = 1;
  CHECK_THROWS_WITH(FitPredict(spec, one_arm, one_arm.x, 3),
                    Catch::Contains("both arms non-empty"));
  ObservationalData bad_action = world.data;
  bad_action.a[5] = 2;
  CHECK_THROWS_WITH(FitPredict(spec, bad_action, bad_action.x, 3),
                    Catch::Contains("expected 0 or 1"));
}

// Noiseless outcomes are exactly linear in x in each arm, so ridge-based
// learners recover tau up to the penalty's bias, O(lambda ||w|| /
// lambda_min(Cov x)): lambda = 1e-9 and Cov(x) = I/12 for uniform features
// give ~1e-7; the check asks PEHE < 1e-5.
inline void CheckRecoversLinearTau(const std::string& name) {
  const LinearWorld world = MakeLinearWorld(2000, 6, 2.0, 5);
  const CatePrediction p = FitPredict(name + "(lambda=1e-9)", world.data, world.data.x, 1);
  CHECK(Pehe(p.tau, world.Tau()) < 1e-5);
}

// Central differences of `loss` (a function of theta) against `grad`,
// entry by entry, with step 1e-6: truncation error O(h^2 f''') ~ 1e-12 and
// rounding error ~ eps |f| / h ~ 1e-10 on an O(1) loss, so margin 1e-7.
template <class Loss>
void CheckCentralDifferences(Eigen::VectorXd theta, const Eigen::VectorXd& grad, Loss loss) {
  REQUIRE(grad.size() == theta.size());
  const double h = 1e-6;
  for (Eigen::Index k = 0; k < grad.size(); ++k) {
    const double saved = theta(k);
    theta(k) = saved + h;
    const double up = loss(theta);
    theta(k) = saved - h;
    const double down = loss(theta);
    theta(k) = saved;
    CAPTURE(k);
    CHECK(grad(k) == Approx((up - down) / (2 * h)).margin(1e-7));
  }
}

// The MLP base (algorithms/cate/base_model.h) follows a nonlinear effect
// tau = sin(2 pi x_0) that the ridge base cannot: the best linear fit of
// sin(2 pi u) on u ~ U[0, 1] leaves sd sqrt(1/2 - 3/pi^2) = 0.44 of its
// 0.71, so ridge PEHE >= 0.4 in-sample, while the MLP must reach PEHE
// < 0.15 and at most half of ridge's. Also the conformance checks with the
// MLP base.
inline void CheckMlpBaseFollowsNonlinearTau(const std::string& name, bool tau_is_difference) {
  CheckLearnerConformance(name + "(base=mlp, hidden=8, epochs=2)", tau_is_difference);
  const LinearWorld world = MakeLinearWorld(2000, 4, 1.0, 9, true);
  const double ridge = Pehe(FitPredict(name, world.data, world.data.x, 1).tau, world.Tau());
  const double mlp = Pehe(
      FitPredict(name + "(base=mlp, hidden=32, epochs=60, batch=64, lr=3e-3)", world.data,
                 world.data.x, 1)
          .tau,
      world.Tau());
  INFO(name << ": PEHE ridge " << ridge << ", mlp " << mlp);
  CHECK(ridge > 0.4);
  CHECK(mlp < 0.15);
  CHECK(mlp < 0.5 * ridge);
}

// A TARNet-family spec whose extra loss term vanishes (`args`) trains
// TARNet's loss from the same initialisation and batches: the fits agree
// exactly. `data` defaults to a small linear world.
inline void CheckReducesToTarNet(const std::string& name, const std::string& args,
                                 const ObservationalData& data) {
  const CatePrediction p =
      FitPredict(name + "(epochs=3, hidden=16, " + args + ")", data, data.x, 8);
  const CatePrediction base = FitPredict("tarnet(epochs=3, hidden=16)", data, data.x, 8);
  CHECK((p.tau - base.tau).cwiseAbs().maxCoeff() < 1e-12);
}

}  // namespace expertlab::cate::testing
