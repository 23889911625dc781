#include "algorithms/gmoe/voronoi.h"

#include <cmath>
#include <limits>

#include "sim/check.h"

namespace expertlab::gmoe {
namespace {

// Differences of one fitted atom from one true atom, L1 per block.
struct AtomGap {
  double gate = 0;  // beta1 (or beta1 / tau)
  double tau = 0;
  double a = 0;
  double b = 0;
  double nu = 0;
  double Sum() const { return gate + tau + a + b + nu; }
};

Eigen::RowVectorXd GateCoordinates(const Model& m, int i, Coordinates coords) {
  return coords == Coordinates::kRaw ? Eigen::RowVectorXd(m.beta1.row(i))
                                     : Eigen::RowVectorXd(m.beta1.row(i) / m.tau);
}

AtomGap Gap(const Model& fitted, int i, const Model& truth, int j, Coordinates coords) {
  AtomGap gap;
  gap.gate = (GateCoordinates(fitted, i, coords) - GateCoordinates(truth, j, coords))
                 .lpNorm<1>();
  gap.tau = coords == Coordinates::kRaw ? std::abs(fitted.tau - truth.tau) : 0.0;
  gap.a = (fitted.a.row(i) - truth.a.row(j)).lpNorm<1>();
  gap.b = std::abs(fitted.b[i] - truth.b[j]);
  gap.nu = std::abs(fitted.nu[i] - truth.nu[j]);
  return gap;
}

double Mass(const Model& m, int i) { return std::exp(m.beta0[i] / m.tau); }

void CheckComparable(const Model& fitted, const Model& truth) {
  fitted.Validate();
  truth.Validate();
  EXPERTLAB_CHECK(fitted.d() == truth.d())
      << "Voronoi loss: dimensions differ (" << fitted.d() << " vs " << truth.d() << ")";
}

// The mass term sum_j |cell mass - m*_j| and, split by cell size, the atom
// terms sum_j sum_{i in A_j} m_i * atom_term(gap, |A_j|).
template <class AtomTerm>
VoronoiParts Parts(const Model& fitted, const Model& truth, Coordinates coords,
                   AtomTerm atom_term) {
  CheckComparable(fitted, truth);
  const std::vector<int> cells = VoronoiCells(fitted, truth, coords);
  std::vector<int> size(truth.k(), 0);
  std::vector<double> mass(truth.k(), 0.0);
  for (int i = 0; i < fitted.k(); ++i) {
    ++size[cells[i]];
    mass[cells[i]] += Mass(fitted, i);
  }
  VoronoiParts parts;
  for (int j = 0; j < truth.k(); ++j) parts.mass += std::abs(mass[j] - Mass(truth, j));
  for (int i = 0; i < fitted.k(); ++i) {
    const int j = cells[i];
    const double term = Mass(fitted, i) * atom_term(Gap(fitted, i, truth, j, coords), size[j]);
    (size[j] == 1 ? parts.single : parts.shared) += term;
  }
  return parts;
}

}  // namespace

int Rbar(int cell_size) {
  EXPERTLAB_CHECK(cell_size >= 2 && cell_size <= 3)
      << "Voronoi loss D2: rbar is known for cells of 2 or 3 fitted atoms, got " << cell_size
      << " (fit at most 2 more experts than the true model has)";
  return cell_size == 2 ? 4 : 6;
}

std::vector<int> VoronoiCells(const Model& fitted, const Model& truth, Coordinates coords) {
  CheckComparable(fitted, truth);
  std::vector<int> cells(fitted.k());
  for (int i = 0; i < fitted.k(); ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (int j = 0; j < truth.k(); ++j) {
      const double distance = Gap(fitted, i, truth, j, coords).Sum();
      if (distance < best) {
        best = distance;
        cells[i] = j;
      }
    }
  }
  return cells;
}

double VoronoiD1(const Model& fitted, const Model& truth, Coordinates coords) {
  return Parts(fitted, truth, coords, [](const AtomGap& gap, int) { return gap.Sum(); }).Total();
}

VoronoiParts VoronoiD2Parts(const Model& fitted, const Model& truth, Coordinates coords) {
  // In identifiable coordinates a homogeneous gate is the plain softmax gate.
  const bool homogeneous = fitted.gate.PositivelyHomogeneous();
  return Parts(fitted, truth, coords, [homogeneous](const AtomGap& gap, int size) {
    if (size == 1) return gap.Sum();
    const double r = Rbar(size);
    const double gate_power = homogeneous ? r : 2.0, a_power = homogeneous ? r / 2 : 2.0;
    return std::pow(gap.gate, gate_power) + std::pow(gap.tau, gate_power) +
           std::pow(gap.a, a_power) + std::pow(gap.b, r) + std::pow(gap.nu, r / 2);
  });
}

double VoronoiD2(const Model& fitted, const Model& truth, Coordinates coords) {
  return VoronoiD2Parts(fitted, truth, coords).Total();
}

}  // namespace expertlab::gmoe
