// The semi-synthetic outcome model and decision-maker policies of Hüyük,
// Wei, Curth & van der Schaar, "Defining Expertise: Applications to
// Treatment Effect Estimation", ICLR 2024, §5 (experimental setup).
//
// Outcomes (D covariates, masks of m features each):
//   w_prog, w_0, w_1 ~ U(-1, 1)^D, zero outside their masks; the prognostic
//   and w_0 masks are features 0..m-1, w_1's are m..2m-1, the rest
//   (2m..D-1) are irrelevant.
//   linear:     mu_a(x) = w_prog.x + w_a.x
//   nonlinear:  every linear score l is replaced by h(l) = l/2 + 1/(2(1+l^2))
//   tau(x) = mu_1(x) - mu_0(x); outcomes are noiseless (Y = mu_A(X)).
// Policies (the decision maker's own copy of the simulator, shifted by d:
// the first 2d features of every mask are replaced by irrelevant features
// 2m..2m+2d-1, so d <= (D - 2m)/2):
//   predictive:  pi(x) = sigmoid(beta zscore(tau_d(x)))
//   prognostic:  pi(x) = sigmoid(beta zscore(mu_prog,d(x)))
// with the z-score taken over the whole sample the policy acts on.
#pragma once

#include <Eigen/Dense>
#include <string>

#include "sim/rng.h"

namespace expertlab::cate {

enum class Outcome { kLinear, kNonlinear };
enum class PolicyKind { kPredictive, kPrognostic };

Outcome ParseOutcome(const std::string& name);        // "linear" | "nonlinear"
PolicyKind ParsePolicyKind(const std::string& name);  // "predictive" | "prognostic"

struct Potential {
  Eigen::VectorXd mu0, mu1, prog;
  Eigen::VectorXd Tau() const { return mu1 - mu0; }
};

class Simulator {
 public:
  // Draws the weights; an error when 2 * mask > dim.
  Simulator(int dim, int mask, Outcome outcome, Rng& rng);

  // The largest shift the masks allow: (dim - 2 mask) / 2.
  int MaxShift() const { return (dim_ - 2 * mask_) / 2; }
  // Potential outcomes under the simulator shifted by d (d = 0: the true
  // one). An error naming "d" when d is outside [0, MaxShift()].
  Potential Evaluate(const Eigen::MatrixXd& x, int d = 0) const;

 private:
  Eigen::VectorXd Shifted(const Eigen::VectorXd& w, int first, int d) const;
  int dim_, mask_;
  Outcome outcome_;
  Eigen::VectorXd w_prog_, w0_, w1_;
};

// pi(x) for every row; an error naming "beta" when beta < 0 and "d" when
// the shift is out of range.
Eigen::VectorXd PolicyPropensity(const Simulator& simulator, const Eigen::MatrixXd& x,
                                 PolicyKind kind, double beta, int d);

// (x - mean) / sd (population sd; zeros when sd = 0).
Eigen::VectorXd ZScore(const Eigen::VectorXd& v);

}  // namespace expertlab::cate
