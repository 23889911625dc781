// Gates of a softmax Gaussian mixture of experts: the activation applied to
// the gating score and whether a temperature is estimated.
//
// Every gate here computes, for expert i of k and input x in R^d,
//   logit_i(x) = (s(beta1_i . x) + beta0_i) / tau,   s(w) = sigma(w) - sigma(0),
// and g(x) = softmax(logit(x)); the last expert is the reference
// (beta1_k = 0, beta0_k = 0, so its logit is 0). Subtracting sigma(0) shifts
// every logit by one constant and leaves the softmax unchanged; it keeps the
// reference's logit at 0 so that exp(beta0_i / tau) is expert i's weight
// relative to the reference (the mixing measure's mass below).
//
// Gates (Nguyen, Akbarian, Ho, "Is Temperature Sample Efficient for Softmax
// Gaussian Mixture of Experts?", ICML 2024, PMLR 235: the dense-to-sparse
// gate is softmax((beta1 . x + beta0)/tau) with tau estimated; the
// activation dense-to-sparse gate applies sigma to the linear score first):
//   softmax      sigma = identity, tau fixed at 1 (the plain softmax gate of
//                Nguyen, Nguyen, Ho, "Demystifying Softmax Gating Function in
//                Gaussian Mixture of Experts", NeurIPS 2023)
//   temperature  sigma = identity, tau estimated
//   identity, relu, sigmoid, tanh, gelu
//                the activation gate with that sigma, tau estimated
// Where beta0 sits (inside the division by tau) is our choice; the paper's
// placement could not be checked, and both placements share the property
// that matters: a positively 1-homogeneous sigma (identity, ReLU) makes the
// gate invariant under (beta1, beta0, tau) -> c (beta1, beta0, tau), so only
// beta1/tau and beta0/tau are identifiable; sigmoid, tanh and GELU break the
// invariance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace expertlab::gmoe {

enum class Activation { kIdentity, kRelu, kSigmoid, kTanh, kGelu };

struct Gate {
  Activation activation = Activation::kIdentity;
  bool learn_tau = false;
  std::string name = "softmax";

  // s(w) = sigma(w) - sigma(0), and its first derivative.
  double Score(double w) const;
  double ScoreDerivative(double w) const;
  // Both at once (one transcendental evaluation where they share one).
  void ScoreAndDerivative(double w, double& score, double& derivative) const;
  // sigma(c w) = c sigma(w) for every c > 0: the scale direction is then not
  // identifiable (identity, ReLU).
  bool PositivelyHomogeneous() const {
    return activation == Activation::kIdentity || activation == Activation::kRelu;
  }
};

// "softmax", "temperature", or an activation name; Error naming the
// accepted names otherwise.
Gate ParseGate(std::string_view name);
const std::vector<std::string>& GateNames();

}  // namespace expertlab::gmoe
