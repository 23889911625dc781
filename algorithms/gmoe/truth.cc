#include "algorithms/gmoe/truth.h"

#include <cmath>
#include <vector>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::gmoe {

Model ReferenceTruth(const Gate& gate) {
  struct GateTruth {
    double beta1, beta0, tau;
  };
  GateTruth g{25.0, -8.0, 1.0};
  switch (gate.activation) {
    case Activation::kIdentity:
    case Activation::kRelu: break;
    case Activation::kSigmoid: g = {4.0, -0.28, 0.05}; break;
    case Activation::kTanh: g = {2.0, -0.57, 0.1}; break;
    case Activation::kGelu: g = {4.0, -1.15, 0.4}; break;
  }
  Model m = ZeroModel(gate, 2, 1);
  m.beta1(0, 0) = g.beta1;
  m.beta0[0] = g.beta0;
  m.tau = g.tau;
  m.a << -20.0, 20.0;
  m.b << 15.0, -5.0;
  m.nu << 0.09, 0.16;
  return m;
}

InitScales NearTrueScales(int n) {
  const double shrink = std::pow(static_cast<double>(n), -0.083);
  return {0.005 * shrink, 0.05 * shrink, 0.005 * std::pow(static_cast<double>(n), -0.25), 0.0};
}

Model NearTrueInit(const Model& truth, int k, const InitScales& scales, Rng& rng) {
  truth.Validate();
  const int k_star = truth.k(), d = truth.d();
  EXPERTLAB_CHECK(k >= k_star) << "k: a fit near the truth needs at least the true order "
                               << k_star << " of experts, got " << k;
  std::vector<int> source(k);
  for (int i = 0; i < k; ++i) {
    if (i == k - 1) source[i] = k_star - 1;
    else if (i < k_star - 1) source[i] = i;
    else source[i] = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(k_star - 1)));
  }
  std::vector<int> sharers(k_star, 0);
  for (int s : source) ++sharers[s];

  Model m = ZeroModel(truth.gate, k, d);
  const double c = truth.gate.learn_tau ? std::exp(Normal(rng, 0.0, scales.scale)) : 1.0;
  m.tau = c * truth.tau;
  for (int i = 0; i < k; ++i) {
    const int s = source[i];
    if (i < k - 1) {
      for (int col = 0; col < d; ++col)
        m.beta1(i, col) = c * truth.beta1(s, col) + Normal(rng, 0.0, scales.gate);
      m.beta0[i] = c * truth.beta0[s] - m.tau * std::log(static_cast<double>(sharers[s])) +
                   Normal(rng, 0.0, scales.gate);
    }
    for (int col = 0; col < d; ++col) m.a(i, col) = truth.a(s, col) + Normal(rng, 0.0, scales.expert);
    m.b[i] = truth.b[s] + Normal(rng, 0.0, scales.expert);
    m.nu[i] = truth.nu[s] + std::abs(Normal(rng, 0.0, scales.variance));
  }
  return m;
}

}  // namespace expertlab::gmoe
