// Plug-in estimators of a decision maker's expertise from samples (Hüyük,
// Wei, Curth & van der Schaar, "Defining Expertise: Applications to
// Treatment Effect Estimation", ICLR 2024, §5.3; the definitions and the
// exact measures: theory/cate_expertise.h).
//
// I(A; T) = H(T) - sum_a p(a) H(T | A = a) from histograms of T (empty bins
// dropped), divided by H(A) of the empirical action frequencies.
// Predictive: T = tau, bins by numpy's 'auto' rule on the reference
// (ground-truth) values; prognostic: T = (Y1, Y0) on a 10 x 10 grid over
// the reference ranges. Values outside the reference range are clipped
// into the end bins (the authors' code drops them while still counting
// them in n; clipping keeps the histogram a distribution).
#pragma once

#include <Eigen/Dense>
#include <span>
#include <vector>

namespace expertlab::cate {

// numpy.histogram_bin_edges(values, bins='auto'): bin width min(Sturges,
// Freedman-Diaconis) (Sturges alone when the IQR is 0), ceil(range / width)
// equal bins over [min, max] (one bin of width 1 around a constant).
std::vector<double> AutoBinEdges(std::span<const double> values);

// Plug-in I(A; tau_hat) / H(A) with bins from `reference` (AutoBinEdges).
double PlugInPredictive(const Eigen::VectorXd& tau_hat, const Eigen::VectorXd& reference,
                        std::span<const int> actions);

// Plug-in I(A; (mu1_hat, mu0_hat)) / H(A), 10 x 10 bins over the
// reference outcomes' ranges.
double PlugInPrognostic(const Eigen::VectorXd& mu0_hat, const Eigen::VectorXd& mu1_hat,
                        const Eigen::VectorXd& mu0_ref, const Eigen::VectorXd& mu1_ref,
                        std::span<const int> actions);

// mean_i H_b(pi_i) / H(A) with H(A) from the actions' frequency.
double InContextVariability(const Eigen::VectorXd& propensity, std::span<const int> actions);

// H(A) (nats) of the actions' empirical frequency.
double ActionEntropy(std::span<const int> actions);

}  // namespace expertlab::cate
