// Random variate samplers written on top of Rng instead of <random>'s
// distributions.
//
// Why our own: std::normal_distribution and friends are specified only in
// distribution, not in algorithm, so libstdc++, libc++ and MSVC turn the same
// engine output into different numbers, and a stored result could not be
// reproduced with another toolchain. Here each sampler fixes the algorithm
// and the exact sequence of Rng draws it consumes. The remaining source of
// platform difference is the last bit of libm functions (log, exp, cos, pow);
// glibc's are correctly rounded in almost all cases, and results are
// bit-identical for a given libm.
//
// All samplers are stateless: nothing is cached between calls (e.g. the
// second Box-Muller variate is discarded), so a draw depends only on the Rng
// position, never on which sampler happened to run before.
//
// Parameters are validated with EXPERTLAB_CHECK; a bad value throws
// expertlab::Error naming the sampler and the value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <span>
#include <vector>

#include "sim/rng.h"

namespace expertlab {

// Standard normal by the Box-Muller transform, cosine branch only (Box and
// Muller, Ann. Math. Stat. 1958). Chosen over Marsaglia's polar method because
// it consumes exactly two uniforms per call (no rejection loop), which keeps
// the draw count of a simulation easy to reason about.
double Normal(Rng& rng);

// Normal with the given mean and standard deviation (sd >= 0).
double Normal(Rng& rng, double mean, double sd);

// Exponential with the given rate (> 0), by inversion: -log(U) / rate.
double Exponential(Rng& rng, double rate);

// Standard Gumbel (location 0, scale 1), by inversion: -log(-log(U)). Adding
// Gumbel noise to log-weights and taking the argmax samples the softmax.
double Gumbel(Rng& rng);

// True with probability p, p in [0, 1]. Consumes one uniform even for p = 0
// or 1 so the stream position does not depend on the parameter value.
bool Bernoulli(Rng& rng, double p);

// Gamma with the given shape (> 0) and unit scale. Marsaglia and Tsang, "A
// simple method for generating gamma variables", ACM TOMS 2000; for shape < 1
// it draws Gamma(shape + 1) * U^(1/shape) (the boost given in that paper). For
// very small shapes the result can underflow to 0, which is the correct
// rounding of a variate that tiny; Dirichlet works in log space to avoid that.
double Gamma(Rng& rng, double shape);

// Fills `out` with a Dirichlet(alpha) draw (alpha_i >= 1e-300, out.size() ==
// alpha.size() >= 1) by normalising independent Gamma(alpha_i) variates.
// Works with log-gamma variates so tiny alphas still give a point on the
// simplex (entries sum to 1 up to rounding) instead of 0/0.
void Dirichlet(Rng& rng, std::span<const double> alpha, std::span<double> out);

// Index i with probability weights[i] / sum(weights). Weights are
// unnormalised, finite and non-negative with a positive sum. Linear-time
// inverse CDF with one uniform: fine for one-off draws; use AliasTable for
// many draws from the same weights. A zero-weight index is never returned.
std::size_t Categorical(Rng& rng, std::span<const double> weights);

// Walker's alias method with Vose's construction ("A linear algorithm for
// generating random numbers with a given distribution", IEEE TSE 1991):
// O(n) setup, then O(1) per draw (one UniformInt and one Uniform).
class AliasTable {
 public:
  // Same requirements on weights as Categorical.
  explicit AliasTable(std::span<const double> weights);

  std::size_t Sample(Rng& rng) const;

  std::size_t size() const { return prob_.size(); }

 private:
  // Column i keeps itself with probability prob_[i], else yields alias_[i].
  std::vector<double> prob_;
  std::vector<std::size_t> alias_;
};

// Zipf on {1, ..., n}: P(k) proportional to k^(-s). Exact rejection-inversion
// of Hoermann and Derflinger ("Rejection-inversion to generate variates from
// monotone discrete distributions", ACM TOMACS 1996): O(1) memory and
// expected time for any n (tested up to 2^40) and any s >= 0, including
// s = 1 and s < 1 where the series diverges. s = 0 is the uniform
// distribution, allowed so skew sweeps can start from "no skew".
class Zipf {
 public:
  Zipf(uint64_t n, double s);

  // A value in 1..n.
  uint64_t Sample(Rng& rng) const;

  uint64_t n() const { return n_; }
  double s() const { return s_; }

 private:
  // The hat construction of the paper: Density(x) = x^-s extends the pmf's
  // shape to real x, Integral is an antiderivative of it and IntegralInverse
  // its inverse.
  double Density(double x) const;
  double Integral(double x) const;
  double IntegralInverse(double y) const;

  uint64_t n_;
  double s_;
  double integral_x1_;  // Integral(1.5) - Density(1): low end of the hat
  double integral_n_;   // Integral(n + 0.5): high end of the hat
  double squeeze_;      // accept at once when k - x <= squeeze_
};

// Uniformly random permutation of a random-access range, in place
// (Fisher-Yates / Durstenfeld: n - 1 UniformInt draws).
template <std::ranges::random_access_range Range>
void Shuffle(Rng& rng, Range&& range) {
  auto first = std::ranges::begin(range);
  using Diff = std::iter_difference_t<decltype(first)>;
  const auto n = static_cast<uint64_t>(std::ranges::distance(range));
  for (uint64_t i = n; i > 1; --i) {
    const uint64_t j = rng.UniformInt(i);
    std::ranges::iter_swap(first + static_cast<Diff>(i - 1), first + static_cast<Diff>(j));
  }
}

// k distinct values drawn uniformly from {0, ..., n-1} (k <= n), every
// k-subset equally likely, returned in increasing order. Floyd's algorithm
// (Bentley and Floyd, CACM 1987): exactly k UniformInt draws and O(k)
// memory, so it suits k << n (e.g. 10 of 2^40). Shuffle the result if a
// random order is needed.
std::vector<uint64_t> SampleWithoutReplacement(Rng& rng, uint64_t n, uint64_t k);

}  // namespace expertlab
