// Samplers on top of Rng; see samplers.h for why they are not <random>'s.
#include "sim/samplers.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <unordered_set>
#include <vector>

#include "sim/check.h"

namespace expertlab {
namespace {

// Checks a weight vector once, up front, so a bad input fails before any
// random number is consumed; returns the sum in index order (the same order
// Categorical accumulates in, so its last cumulative value equals it).
double ValidatedTotal(std::span<const double> weights, const char* who) {
  EXPERTLAB_CHECK(!weights.empty()) << who << ": weights must not be empty";
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i];
    EXPERTLAB_CHECK(std::isfinite(w) && w >= 0.0)
        << who << ": weights[" << i << "] = " << w << " must be finite and non-negative";
    total += w;
  }
  EXPERTLAB_CHECK(total > 0.0 && std::isfinite(total))
      << who << ": weights must have a positive finite sum, got " << total;
  return total;
}

// Marsaglia-Tsang squeeze/rejection for shape >= 1. The first test is a
// cheap polynomial squeeze that accepts most candidates without a log.
double MarsagliaTsang(Rng& rng, double shape) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = Normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.UniformOpen();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

// log of a Gamma(shape) variate, using the same draws as Gamma(rng, shape).
// For shape < 1 the boost factor U^(1/shape) is applied as a sum of logs,
// which stays finite where the product would underflow to 0.
double LogGammaVariate(Rng& rng, double shape) {
  if (shape >= 1.0) return std::log(MarsagliaTsang(rng, shape));
  const double g = MarsagliaTsang(rng, shape + 1.0);
  const double u = rng.UniformOpen();
  return std::log(g) + std::log(u) / shape;
}

// log1p(t) / t and expm1(t) / t, continuous through t = 0 where the quotient
// itself would be 0/0; the Taylor branch is accurate to ~1e-24 there.
double Log1pOverT(double t) {
  if (std::abs(t) > 1e-8) return std::log1p(t) / t;
  return 1.0 - t * (0.5 - t / 3.0);
}

double Expm1OverT(double t) {
  if (std::abs(t) > 1e-8) return std::expm1(t) / t;
  return 1.0 + t * (0.5 + t / 6.0);
}

}  // namespace

double Normal(Rng& rng) {
  // UniformOpen keeps log finite; the angle may use the half-open uniform.
  const double u1 = rng.UniformOpen();
  const double u2 = rng.Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Normal(Rng& rng, double mean, double sd) {
  EXPERTLAB_CHECK(std::isfinite(mean)) << "Normal: mean must be finite, got " << mean;
  EXPERTLAB_CHECK(std::isfinite(sd) && sd >= 0.0)
      << "Normal: sd must be finite and >= 0, got " << sd;
  return mean + sd * Normal(rng);
}

double Exponential(Rng& rng, double rate) {
  EXPERTLAB_CHECK(std::isfinite(rate) && rate > 0.0)
      << "Exponential: rate must be finite and > 0, got " << rate;
  return -std::log(rng.UniformOpen()) / rate;
}

double Gumbel(Rng& rng) {
  // U < 1 strictly, so -log(U) > 0 and the outer log is finite.
  return -std::log(-std::log(rng.UniformOpen()));
}

bool Bernoulli(Rng& rng, double p) {
  EXPERTLAB_CHECK(p >= 0.0 && p <= 1.0) << "Bernoulli: p must be in [0, 1], got " << p;
  // Uniform() is in [0, 1), so p = 0 is never and p = 1 always true.
  return rng.Uniform() < p;
}

double Gamma(Rng& rng, double shape) {
  EXPERTLAB_CHECK(std::isfinite(shape) && shape > 0.0)
      << "Gamma: shape must be finite and > 0, got " << shape;
  if (shape >= 1.0) return MarsagliaTsang(rng, shape);
  const double g = MarsagliaTsang(rng, shape + 1.0);
  const double u = rng.UniformOpen();
  return g * std::pow(u, 1.0 / shape);
}

void Dirichlet(Rng& rng, std::span<const double> alpha, std::span<double> out) {
  EXPERTLAB_CHECK(!alpha.empty()) << "Dirichlet: alpha must not be empty";
  EXPERTLAB_CHECK(out.size() == alpha.size())
      << "Dirichlet: out has size " << out.size() << " but alpha has size " << alpha.size();
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    // Below ~1e-300, log(U) / alpha overflows to -inf and the draw would no
    // longer be defined; no model needs concentrations that small.
    EXPERTLAB_CHECK(std::isfinite(alpha[i]) && alpha[i] >= 1e-300)
        << "Dirichlet: alpha[" << i << "] = " << alpha[i] << " must be finite and >= 1e-300";
  }
  double max_log = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    out[i] = LogGammaVariate(rng, alpha[i]);
    max_log = std::max(max_log, out[i]);
  }
  // Shifting by the max makes the largest term exactly 1, so the sum is >= 1
  // and the normalisation never divides by zero.
  double sum = 0.0;
  for (double& x : out) {
    x = std::exp(x - max_log);
    sum += x;
  }
  for (double& x : out) x /= sum;
}

std::size_t Categorical(Rng& rng, std::span<const double> weights) {
  const double total = ValidatedTotal(weights, "Categorical");
  const double target = rng.Uniform() * total;
  double cumulative = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    cumulative += weights[i];
    last_positive = i;
    if (target < cumulative) return i;
  }
  // Reached only when Uniform() * total rounds up to total itself.
  return last_positive;
}

AliasTable::AliasTable(std::span<const double> weights)
    : prob_(weights.size()), alias_(weights.size()) {
  const double total = ValidatedTotal(weights, "AliasTable");
  const std::size_t n = weights.size();
  // Scaled so the average column holds exactly 1; dividing before
  // multiplying keeps huge weights from overflowing.
  std::vector<double> scaled(n);
  std::vector<std::size_t> small;
  std::vector<std::size_t> large;
  std::size_t heaviest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] / total * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(i);
    if (weights[i] > weights[heaviest]) heaviest = i;
  }
  // Vose: pair each under-full column with an over-full one that donates
  // the missing mass; the donor then becomes small or stays large.
  while (!small.empty() && !large.empty()) {
    const std::size_t s = small.back();
    small.pop_back();
    const std::size_t l = large.back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    // (a + b) - 1 rather than a - (1 - b): loses less to cancellation.
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left is full up to rounding error. A zero-weight index can
  // be left over only through rounding; it must stay unreachable.
  for (const std::size_t i : large) {
    prob_[i] = 1.0;
    alias_[i] = i;
  }
  for (const std::size_t i : small) {
    prob_[i] = weights[i] > 0.0 ? 1.0 : 0.0;
    alias_[i] = weights[i] > 0.0 ? i : heaviest;
  }
}

std::size_t AliasTable::Sample(Rng& rng) const {
  const auto column = static_cast<std::size_t>(rng.UniformInt(static_cast<uint64_t>(size())));
  return rng.Uniform() < prob_[column] ? column : alias_[column];
}

Zipf::Zipf(uint64_t n, double s) : n_(n), s_(s) {
  // n + 0.5 must be exact in a double for the hat's domain to end at n.
  EXPERTLAB_CHECK(n >= 1 && n <= (uint64_t{1} << 52)) << "Zipf: n must be in [1, 2^52], got " << n;
  EXPERTLAB_CHECK(std::isfinite(s) && s >= 0.0) << "Zipf: s must be finite and >= 0, got " << s;
  integral_x1_ = Integral(1.5) - 1.0;
  integral_n_ = Integral(static_cast<double>(n) + 0.5);
  // k is accepted when x >= a_k = IntegralInverse(Integral(k + 0.5) -
  // Density(k)); k - a_k is smallest at k = 2 (Hoermann-Derflinger), so
  // k - x <= 2 - a_2 is a sufficient test that needs no further logs.
  squeeze_ = 2.0 - IntegralInverse(Integral(2.5) - Density(2.0));
}

double Zipf::Density(double x) const { return std::exp(-s_ * std::log(x)); }

double Zipf::Integral(double x) const {
  // (x^(1-s) - 1) / (1-s), written to stay accurate as s -> 1 (where it
  // becomes log x) instead of branching on s == 1.
  const double log_x = std::log(x);
  return Expm1OverT((1.0 - s_) * log_x) * log_x;
}

double Zipf::IntegralInverse(double y) const { return std::exp(Log1pOverT((1.0 - s_) * y) * y); }

uint64_t Zipf::Sample(Rng& rng) const {
  for (;;) {
    // u is uniform on (integral_x1_, integral_n_]; the hat's mass over
    // [k - 0.5, k + 0.5] is at least Density(k) because x^-s is convex, and
    // the slice for k = 1 was trimmed to exactly Density(1).
    const double u = integral_n_ + rng.Uniform() * (integral_x1_ - integral_n_);
    const double x = IntegralInverse(u);
    // Clamp in floating point first: x can round past n + 0.5 (or to inf
    // for large s at the very top of the range), and converting an
    // out-of-range double to an integer is undefined.
    double k = std::floor(x + 0.5);
    if (!(k >= 1.0)) k = 1.0;
    if (k > static_cast<double>(n_)) k = static_cast<double>(n_);
    if (k - x <= squeeze_ || u >= Integral(k + 0.5) - Density(k)) {
      return static_cast<uint64_t>(k);
    }
  }
}

std::vector<uint64_t> SampleWithoutReplacement(Rng& rng, uint64_t n, uint64_t k) {
  EXPERTLAB_CHECK(k <= n) << "SampleWithoutReplacement: k = " << k << " exceeds n = " << n;
  std::vector<uint64_t> result;
  result.reserve(k);
  // Only for membership tests; its iteration order is never observed, so
  // the result does not depend on the standard library's hashing.
  std::unordered_set<uint64_t> chosen;
  chosen.reserve(k);
  // Floyd: after step j the chosen set is a uniform subset of {0..j} of the
  // right size; a repeat t stands in for the new element j.
  for (uint64_t j = n - k; j < n; ++j) {
    const uint64_t t = rng.UniformInt(j + 1);
    const uint64_t pick = chosen.insert(t).second ? t : j;
    if (pick == j) chosen.insert(j);
    result.push_back(pick);
  }
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace expertlab
