#include "theory/cate_expertise.h"

#include <cmath>
#include <map>
#include <utility>

#include "sim/check.h"

namespace expertlab::theory {
namespace {

// Conditional entropy sum_g p_g H_b(pi_g) after pooling units by key.
template <class Key>
double PooledConditionalEntropy(std::span<const DiscreteUnit> units, Key key) {
  std::map<decltype(key(units[0])), std::pair<double, double>> groups;  // mass, mass * pi
  for (const DiscreteUnit& u : units) {
    auto& g = groups[key(u)];
    g.first += u.prob;
    g.second += u.prob * u.pi;
  }
  double h = 0;
  for (const auto& [k, g] : groups)
    if (g.first > 0) h += g.first * BinaryEntropy(g.second / g.first);
  return h;
}

}  // namespace

double BinaryEntropy(double p) {
  if (p <= 0 || p >= 1) return 0.0;
  return -p * std::log(p) - (1 - p) * std::log1p(-p);
}

Expertise ExactExpertise(std::span<const DiscreteUnit> units) {
  double total = 0, p_treat = 0, h_given_x = 0;
  for (const DiscreteUnit& u : units) {
    EXPERTLAB_CHECK(u.prob >= 0 && u.pi >= 0 && u.pi <= 1)
        << "exact expertise: unit with prob = " << u.prob << ", pi = " << u.pi
        << "; expected prob >= 0 and pi in [0, 1]";
    total += u.prob;
    p_treat += u.prob * u.pi;
    h_given_x += u.prob * BinaryEntropy(u.pi);
  }
  EXPERTLAB_CHECK(std::abs(total - 1) < 1e-9)
      << "exact expertise: probabilities sum to " << total << "; expected 1";
  Expertise e;
  e.h_a = BinaryEntropy(p_treat);
  EXPERTLAB_CHECK(e.h_a > 0) << "exact expertise: P(A = 1) = " << p_treat
                             << "; H(A) = 0 and the measures are undefined";
  const double h_given_y = PooledConditionalEntropy(
      units, [](const DiscreteUnit& u) { return std::make_pair(u.y0, u.y1); });
  const double h_given_tau =
      PooledConditionalEntropy(units, [](const DiscreteUnit& u) { return u.y1 - u.y0; });
  e.e_prog = 1 - h_given_y / e.h_a;
  e.e_pred = 1 - h_given_tau / e.h_a;
  e.c = h_given_x / e.h_a;
  return e;
}

}  // namespace expertlab::theory
