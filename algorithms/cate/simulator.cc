#include "algorithms/cate/simulator.h"

#include <cmath>

#include "sim/check.h"

namespace expertlab::cate {

Outcome ParseOutcome(const std::string& name) {
  if (name == "linear") return Outcome::kLinear;
  if (name == "nonlinear") return Outcome::kNonlinear;
  EXPERTLAB_CHECK(false) << "outcome = '" << name << "'; expected linear or nonlinear";
  return Outcome::kLinear;
}

PolicyKind ParsePolicyKind(const std::string& name) {
  if (name == "predictive") return PolicyKind::kPredictive;
  if (name == "prognostic") return PolicyKind::kPrognostic;
  EXPERTLAB_CHECK(false) << "policy = '" << name << "'; expected predictive or prognostic";
  return PolicyKind::kPredictive;
}

Simulator::Simulator(int dim, int mask, Outcome outcome, Rng& rng)
    : dim_(dim), mask_(mask), outcome_(outcome) {
  EXPERTLAB_CHECK(mask >= 1 && 2 * mask <= dim)
      << "simulator: mask = " << mask << " with " << dim
      << " covariates; expected 1 <= mask and 2 mask <= covariates";
  auto draw = [&](int first) {
    Eigen::VectorXd w = Eigen::VectorXd::Zero(dim);
    for (int j = first; j < first + mask; ++j) w(j) = 2 * rng.Uniform() - 1;
    return w;
  };
  w_prog_ = draw(0);
  w0_ = draw(0);
  w1_ = draw(mask);
}

Eigen::VectorXd Simulator::Shifted(const Eigen::VectorXd& w, int first, int d) const {
  Eigen::VectorXd out = w;
  for (int k = 0; k < 2 * d; ++k) {
    out(2 * mask_ + k) = w(first + k);
    out(first + k) = 0;
  }
  return out;
}

Potential Simulator::Evaluate(const Eigen::MatrixXd& x, int d) const {
  EXPERTLAB_CHECK(x.cols() == dim_)
      << "simulator: covariates have " << x.cols() << " columns; expected " << dim_;
  EXPERTLAB_CHECK(d >= 0 && d <= MaxShift())
      << "d = " << d << "; expected 0 <= d <= " << MaxShift() << " ((covariates - 2 mask) / 2 = ("
      << dim_ << " - 2 x " << mask_ << ") / 2 irrelevant features to shift into)";
  auto link = [&](Eigen::VectorXd l) -> Eigen::VectorXd {
    if (outcome_ == Outcome::kLinear) return l;
    return 0.5 * l.array() + 0.5 / (1 + l.array().square());
  };
  Potential p;
  p.prog = link(x * Shifted(w_prog_, 0, d));
  p.mu0 = p.prog + link(x * Shifted(w0_, 0, d));
  p.mu1 = p.prog + link(x * Shifted(w1_, mask_, d));
  return p;
}

Eigen::VectorXd ZScore(const Eigen::VectorXd& v) {
  const double mean = v.mean();
  const double sd = std::sqrt((v.array() - mean).square().mean());
  if (!(sd > 0)) return Eigen::VectorXd::Zero(v.size());
  return (v.array() - mean) / sd;
}

Eigen::VectorXd PolicyPropensity(const Simulator& simulator, const Eigen::MatrixXd& x,
                                 PolicyKind kind, double beta, int d) {
  EXPERTLAB_CHECK(beta >= 0) << "beta = " << beta << "; expected beta >= 0";
  const Potential p = simulator.Evaluate(x, d);
  const Eigen::VectorXd score = kind == PolicyKind::kPredictive ? p.Tau() : p.prog;
  return (1 + (-beta * ZScore(score).array()).exp()).inverse();
}

}  // namespace expertlab::cate
