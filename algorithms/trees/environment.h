// The contextual bandit with expert advice of Abels, Lenaerts, Trianni &
// Nowé, "Expertise Trees Resolve Knowledge Limitations in Collective
// Decision-Making" (ICML 2023), built from a classification data set as the
// authors' experiment code builds it:
//   - arms are the K classes; choosing the row's label earns reward 1, else 0;
//   - the context is [u1, u2, the data set's columns in a random order,
//     uniform noise columns] padded to at least `width` columns; u1, u2 are
//     uniform "sensitive" columns on which a sqrt(R) x sqrt(R) grid defines R
//     regions, and the learner sees only the first g columns;
//   - each of the N experts is an expert in a uniformly random half of the
//     regions (R = 1: in the only region with probability 1/2); in a round
//     it is honest (advises the label) with probability 0.75 in its regions
//     and 0.25 elsewhere; all the experts who are dishonest in a round advise
//     one wrong class, drawn uniformly among the K - 1 wrong classes once per
//     round.
// Every draw (expertise map, rows, sensitive and noise columns, honesty,
// wrong classes) comes from the one Rng given to the constructor, in a fixed
// order, and the whole horizon is drawn up front: a learner cannot change
// what it meets, so every learner of a replicate meets the same rounds.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "algorithms/trees/dataset.h"
#include "sim/rng.h"

namespace expertlab::trees {

// Split points of one context column: its 0, 10, ..., 100% quantiles over
// the data set, the ends padded by 1e-5 (every value lies strictly inside).
using DecileGrid = std::array<double, 11>;

// What a learner is told before round 1.
struct Problem {
  int classes = 0;               // K, the arms
  int experts = 0;               // N
  int dims = 0;                  // g, the context columns it sees
  int64_t horizon = 0;           // T
  int regions = 0;               // R (only an oracle may use it)
  std::vector<DecileGrid> grid;  // per visible column
};

// One round as a learner sees it. `region` is -1 for every learner but an
// oracle (AdviceLearner::UsesRegions).
struct RoundView {
  std::span<const double> context;  // g values
  std::span<const int> advice;      // per expert, the class it names
  int region = -1;
};

struct AdviceSetting {
  int regions = 1;  // R, a perfect square
  int experts = 4;  // N >= 1
  int64_t horizon = 1000;
  int width = 64;  // minimum context width
  double honest_in = 0.75;
  double honest_out = 0.25;
};

// sqrt(R); an error naming "R" unless R >= 1 is a perfect square.
int GridSide(int64_t regions);
// Region of (u1, u2) in [0, 1)^2 on a side x side grid, row-major in u1.
int RegionOf(double u1, double u2, int side);

class AdviceBandit {
 public:
  AdviceBandit(const Dataset& data, const AdviceSetting& setting, Rng& rng);

  int classes() const { return classes_; }
  int experts() const { return setting_.experts; }
  int regions() const { return setting_.regions; }
  int width() const { return width_; }
  int64_t horizon() const { return setting_.horizon; }

  bool IsExpert(int expert, int region) const {
    return expertise_[static_cast<size_t>(expert * setting_.regions + region)] != 0;
  }
  double Honesty(int expert, int region) const {
    return IsExpert(expert, region) ? setting_.honest_in : setting_.honest_out;
  }

  std::span<const double> Context(int64_t t) const {
    return {contexts_.data() + t * width_, static_cast<size_t>(width_)};
  }
  std::span<const int> Advice(int64_t t) const {
    return {advice_.data() + t * setting_.experts, static_cast<size_t>(setting_.experts)};
  }
  int Label(int64_t t) const { return labels_[static_cast<size_t>(t)]; }
  int Region(int64_t t) const { return regions_[static_cast<size_t>(t)]; }
  // The view of round t for a learner that sees `dims` columns.
  RoundView View(int64_t t, int dims, bool with_region) const;

  // The problem for a learner that sees the first `dims` columns (an error
  // naming "g" unless 1 <= dims <= width()).
  Problem ProblemFor(int dims) const;

 private:
  AdviceSetting setting_;
  int classes_ = 0;
  int width_ = 0;
  std::vector<DecileGrid> grid_;
  std::vector<uint8_t> expertise_;  // experts x regions
  std::vector<double> contexts_;    // horizon x width
  std::vector<int> advice_;         // horizon x experts
  std::vector<int> labels_, regions_;
};

}  // namespace expertlab::trees
