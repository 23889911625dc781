#include "algorithms/moe/train/routing_tasks.h"

#include <cmath>
#include <numbers>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::moe {

void RoutingTaskSpec::Validate() const {
  EXPERTLAB_CHECK(clusters >= 1) << "routing task: clusters must be >= 1, got " << clusters;
  EXPERTLAB_CHECK(dim >= 1) << "routing task: dim must be >= 1, got " << dim;
  EXPERTLAB_CHECK(out_dim >= 1) << "routing task: out_dim must be >= 1, got " << out_dim;
  EXPERTLAB_CHECK(separation >= 0 && std::isfinite(separation))
      << "routing task: separation must be finite and >= 0, got " << separation;
  EXPERTLAB_CHECK(skew >= 0 && std::isfinite(skew))
      << "routing task: skew must be finite and >= 0, got " << skew;
  EXPERTLAB_CHECK(noise >= 0 && std::isfinite(noise))
      << "routing task: noise must be finite and >= 0, got " << noise;
  EXPERTLAB_CHECK(max_features >= 0)
      << "routing task: max_features must be >= 0, got " << max_features;
}

RoutingTask::RoutingTask(const RoutingTaskSpec& spec, Rng& rng) : spec_(spec) {
  spec.Validate();
  const int64_t K = spec.clusters, D = spec.dim, O = spec.out_dim, F = spec.max_features;
  pi_.resize(K);
  double total = 0;
  for (int64_t c = 0; c < K; ++c) total += pi_[c] = std::pow(double(c + 1), -spec.skew);
  for (double& p : pi_) p /= total;
  // Var(mu_c - mu_c') = separation^2 / dim per coordinate: E||.||^2 = separation^2.
  const double mu_sd = spec.separation / std::sqrt(2.0 * double(D));
  mu_.resize(K * D);
  for (double& v : mu_) v = Normal(rng, 0.0, mu_sd);
  w_.resize(K * O * D);
  for (double& v : w_) v = Normal(rng, 0.0, 1.0 / std::sqrt(double(D)));
  b_.resize(K * O);
  for (double& v : b_) v = Normal(rng);
  // Frequencies with sd 2/sqrt(dim): omega . eps has sd 2 radians inside a
  // cluster, so a feature turns over within the cluster's own spread.
  omega_.resize(K * F * D);
  for (double& v : omega_) v = Normal(rng, 0.0, 2.0 / std::sqrt(double(D)));
  phase_.resize(K * F);
  for (double& v : phase_) v = 2.0 * std::numbers::pi * rng.Uniform();
  // Amplitudes sd 1/sqrt(F): the hardest cluster's non-linear part has
  // variance about 1/2, the size of its linear part.
  amp_.resize(K * F * O);
  for (double& v : amp_) v = F > 0 ? Normal(rng, 0.0, 1.0 / std::sqrt(double(F))) : 0.0;
}

int64_t RoutingTask::HardFeatures(int64_t c) const {
  const int64_t K = spec_.clusters;
  if (K == 1) return spec_.max_features;
  return (spec_.max_features * c + (K - 1) / 2) / (K - 1);
}

void RoutingTask::Target(int64_t c, const double* x, double* y) const {
  const int64_t D = spec_.dim, O = spec_.out_dim, F = spec_.max_features;
  for (int64_t o = 0; o < O; ++o) {
    const double* w = w_.data() + (c * O + o) * D;
    double v = b_[c * O + o];
    for (int64_t j = 0; j < D; ++j) v += w[j] * x[j];
    y[o] = v;
  }
  for (int64_t f = 0; f < HardFeatures(c); ++f) {
    const double* om = omega_.data() + (c * F + f) * D;
    double arg = phase_[c * F + f];
    for (int64_t j = 0; j < D; ++j) arg += om[j] * x[j];
    const double feature = std::cos(arg);
    for (int64_t o = 0; o < O; ++o) y[o] += amp_[(c * F + f) * O + o] * feature;
  }
}

RoutingSample RoutingTask::Sample(int64_t n, Rng& rng) const {
  const int64_t D = spec_.dim, O = spec_.out_dim;
  RoutingSample s;
  s.n = n;
  s.x.resize(n * D);
  s.y.resize(n * O);
  s.cluster.resize(n);
  std::vector<double> x(D), y(O);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = static_cast<int64_t>(Categorical(rng, pi_));
    s.cluster[i] = static_cast<int32_t>(c);
    for (int64_t j = 0; j < D; ++j) x[j] = mu_[c * D + j] + Normal(rng);
    Target(c, x.data(), y.data());
    for (int64_t j = 0; j < D; ++j) s.x[i * D + j] = static_cast<float>(x[j]);
    for (int64_t o = 0; o < O; ++o)
      s.y[i * O + o] = static_cast<float>(y[o] + spec_.noise * Normal(rng));
  }
  return s;
}

}  // namespace expertlab::moe
