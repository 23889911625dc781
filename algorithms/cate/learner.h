// The treatment-effect family: a CATE learner fits observational data
// (covariates X, binary actions A, factual outcomes Y = Y_A, and the
// decision maker's propensity pi(X), which only learners that say so use)
// and predicts the potential outcomes mu_0(x), mu_1(x) and the conditional
// average treatment effect tau(x) = E[Y1 - Y0 | X = x] (Hüyük, Wei, Curth &
// van der Schaar, "Defining Expertise: Applications to Treatment Effect
// Estimation", ICLR 2024, §2 and §5).
//
// Invariants every learner keeps (tests/algorithms/cate/conformance.h):
//   - Predict returns finite vectors of one length per row, with
//     tau = mu1 - mu0 unless the learner estimates tau directly (X, DR),
//     when mu0 and mu1 are its nuisance models' outcome predictions;
//   - results depend only on (data, params, the Rng given to Fit);
//   - data with one arm empty, non-binary actions or non-finite values are
//     an error before any fitting.
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <vector>

#include "sim/rng.h"

namespace expertlab::cate {

struct ObservationalData {
  Eigen::MatrixXd x;           // n x D covariates
  std::vector<int> a;          // actions in {0, 1}
  Eigen::VectorXd y;           // factual outcomes
  Eigen::VectorXd propensity;  // pi(x) = P(A = 1 | x), the decision maker's

  Eigen::Index Size() const { return x.rows(); }
  // The actions as a 0/1 vector.
  Eigen::VectorXd Actions() const;
  // Rows `rows` of every field.
  ObservationalData Subset(const std::vector<Eigen::Index>& rows) const;
};

// An error naming the problem (sizes, actions, finiteness, an empty arm).
void CheckObservational(const ObservationalData& data);

struct CatePrediction {
  Eigen::VectorXd mu0, mu1, tau;
};

class CateLearner {
 public:
  static constexpr const char* kFamily = "cate learner";
  virtual ~CateLearner() = default;
  virtual void Fit(const ObservationalData& data, Rng& rng) = 0;
  virtual CatePrediction Predict(const Eigen::MatrixXd& x) const = 0;
  // A learner that chooses between models reports its last choice (the
  // pipeline: 1 = predictive learner kept); none by default.
  virtual std::optional<double> Choice() const { return std::nullopt; }
};

// Precision in estimating heterogeneous effects: sqrt(mean (tau_hat - tau)^2).
double Pehe(const Eigen::VectorXd& tau_hat, const Eigen::VectorXd& tau);

// Rows with A = a.
std::vector<Eigen::Index> ArmRows(const ObservationalData& data, int a);

}  // namespace expertlab::cate
