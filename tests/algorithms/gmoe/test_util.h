// Helpers shared by the gmoe tests: seeded streams, samples from the
// reference truths, random models and responsibilities.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "algorithms/gmoe/model.h"
#include "algorithms/gmoe/truth.h"
#include "sim/rng.h"

namespace expertlab::gmoe::testing {

inline constexpr uint64_t kSeed = 20261203;

inline Rng TestRng(uint64_t stream) { return Rng(kSeed, 0, 0, stream); }

// A k-expert model in dimension d with every parameter drawn at random
// (gate coefficients in [-2, 2], tau in [0.5, 2], variances in [0.2, 1.2]).
inline Model RandomModel(const std::string& gate, int k, int d, Rng& rng) {
  Model m = ZeroModel(ParseGate(gate), k, d);
  for (int i = 0; i < k; ++i) {
    for (int c = 0; c < d; ++c) {
      if (i + 1 < k) m.beta1(i, c) = 4 * rng.Uniform() - 2;
      m.a(i, c) = 4 * rng.Uniform() - 2;
    }
    if (i + 1 < k) m.beta0[i] = 4 * rng.Uniform() - 2;
    m.b[i] = 4 * rng.Uniform() - 2;
    m.nu[i] = 0.2 + rng.Uniform();
  }
  if (m.gate.learn_tau) m.tau = 0.5 + 1.5 * rng.Uniform();
  return m;
}

// n x k responsibilities with rows on the simplex.
inline Eigen::MatrixXd RandomResponsibilities(int n, int k, Rng& rng) {
  Eigen::MatrixXd r(n, k);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < k; ++i) r(j, i) = 0.05 + rng.Uniform();
    r.row(j) /= r.row(j).sum();
  }
  return r;
}

}  // namespace expertlab::gmoe::testing
