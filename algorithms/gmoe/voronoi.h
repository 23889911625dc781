// Voronoi losses between a fitted and a true mixing measure of a softmax
// Gaussian mixture of experts: the losses whose rates the MLE theory of
// Nguyen, Nguyen, Ho, "Demystifying Softmax Gating Function in Gaussian
// Mixture of Experts" (NeurIPS 2023, Sec. 3, losses D1 and D2) and Nguyen,
// Akbarian, Ho, "Is Temperature Sample Efficient for Softmax Gaussian
// Mixture of Experts?" (ICML 2024) state.
//
// Atoms: expert i is the atom omega_i = (beta1_i, a_i, b_i, nu_i) with mass
// exp(beta0_i / tau) (the reference expert has mass 1). Cells: fitted atom
// i belongs to the cell A_j of the true atom j nearest to it in the L1
// distance over omega (ties to the lower j), as in the Demystifying paper's
// public code. Then, with Delta = fitted minus true,
//   D1 = sum_j |sum_{i in A_j} m_i - m*_j|
//      + sum_j sum_{i in A_j} m_i (|Dbeta1| + |Dtau| + |Da| + |Db| + |Dnu|),
//   D2 = the same mass term, first powers in cells with one atom, and in a
//        cell of |A_j| = 2 or 3 atoms the powers
//          homogeneous gate (softmax, temperature, identity, relu):
//            |Dbeta1|^r + |Dtau|^r + |Da|^(r/2) + |Db|^r + |Dnu|^(r/2),
//          other activations (sigmoid, tanh, gelu):
//            |Dbeta1|^2 + |Dtau|^2 + |Da|^2 + |Db|^r + |Dnu|^(r/2),
//        with r = rbar(|A_j|): rbar(2) = 4, rbar(3) = 6 (Demystifying,
//        Table 1 / Thm 2). Norms are L1 over coordinates.
// The Demystifying paper defines D1 and D2 for the plain softmax gate.
// The tau term, and the exponents for activation gates (the coupling of
// beta1 and a with b removed, only b's coupling with nu left), are our
// reconstruction of the temperature paper's losses, whose text we could
// not read.
//
// Coordinates. kRaw compares (beta1, tau) as fitted. kIdentifiable
// compares beta1/tau and drops the tau term: the coordinates in which a
// positively homogeneous gate is identifiable (gate.h). For the plain
// softmax gate (tau = 1 fixed) the two coincide.
#pragma once

#include <vector>

#include "algorithms/gmoe/model.h"

namespace expertlab::gmoe {

enum class Coordinates { kRaw, kIdentifiable };

// rbar(m) for a Voronoi cell of m >= 2 atoms; Error beyond 3 (the value is
// published only for 2 and 3).
int Rbar(int cell_size);

// Cell of each fitted expert: the index of its nearest true expert.
std::vector<int> VoronoiCells(const Model& fitted, const Model& truth, Coordinates coords);

double VoronoiD1(const Model& fitted, const Model& truth, Coordinates coords);
double VoronoiD2(const Model& fitted, const Model& truth, Coordinates coords);

// D2 by source: the mass term, the atom terms of cells with one atom
// (first powers) and those of cells with 2 or 3 atoms (the rbar powers).
struct VoronoiParts {
  double mass = 0;
  double single = 0;
  double shared = 0;
  double Total() const { return mass + single + shared; }
};
VoronoiParts VoronoiD2Parts(const Model& fitted, const Model& truth, Coordinates coords);

}  // namespace expertlab::gmoe
