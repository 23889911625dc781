#include "algorithms/trees/environment.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::trees {
namespace {

constexpr double kGridPadding = 1e-5;

DecileGrid UniformDeciles() {
  DecileGrid grid;
  for (size_t k = 0; k < grid.size(); ++k) grid[k] = static_cast<double>(k) / 10.0;
  return grid;
}

// Linear-interpolated quantiles at 0, 0.1, ..., 1 of a column.
DecileGrid ColumnDeciles(const Eigen::VectorXd& column) {
  std::vector<double> sorted(column.data(), column.data() + column.size());
  std::sort(sorted.begin(), sorted.end());
  DecileGrid grid;
  const double last = static_cast<double>(sorted.size() - 1);
  for (size_t k = 0; k < grid.size(); ++k) {
    const double position = last * static_cast<double>(k) / 10.0;
    const auto below = static_cast<size_t>(std::floor(position));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    grid[k] = sorted[below] + fraction * (sorted[above] - sorted[below]);
  }
  return grid;
}

}  // namespace

int GridSide(int64_t regions) {
  const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(regions))));
  EXPERTLAB_CHECK(regions >= 1 && side * side == regions)
      << "R = " << regions << " is not a perfect square (regions form a sqrt(R) x sqrt(R) grid: "
      << "expected 1, 4, 9, 16, ...)";
  return static_cast<int>(side);
}

int RegionOf(double u1, double u2, int side) {
  const auto cell = [side](double u) {
    return std::min(side - 1, static_cast<int>(u * static_cast<double>(side)));
  };
  return cell(u1) * side + cell(u2);
}

AdviceBandit::AdviceBandit(const Dataset& data, const AdviceSetting& setting, Rng& rng)
    : setting_(setting), classes_(data.classes) {
  const int side = GridSide(setting.regions);
  EXPERTLAB_CHECK(setting.experts >= 1)
      << "N = " << setting.experts << ": expected at least 1 expert";
  EXPERTLAB_CHECK(setting.horizon >= 1) << "T = " << setting.horizon << ": expected T >= 1";
  EXPERTLAB_CHECK(data.rows() >= 1 && data.classes >= 2)
      << "dataset '" << data.name << "': expected at least one row and two classes";
  width_ = std::max(setting.width, 2 + data.columns());
  const int regions = setting.regions, experts = setting.experts;

  // Column order: u1, u2, the data set's columns shuffled, noise.
  std::vector<int> order(static_cast<size_t>(data.columns()));
  std::iota(order.begin(), order.end(), 0);
  Shuffle(rng, order);
  grid_.assign(static_cast<size_t>(width_), UniformDeciles());
  for (size_t c = 0; c < order.size(); ++c)
    grid_[c + 2] = ColumnDeciles(data.features.col(order[c]));
  for (DecileGrid& g : grid_) {
    g.front() -= kGridPadding;
    g.back() += kGridPadding;
  }

  expertise_.assign(static_cast<size_t>(experts * regions), 0);
  for (int e = 0; e < experts; ++e) {
    if (regions == 1) {
      expertise_[static_cast<size_t>(e)] = rng.Uniform() < 0.5 ? 1 : 0;
      continue;
    }
    for (uint64_t r : SampleWithoutReplacement(rng, static_cast<uint64_t>(regions),
                                               static_cast<uint64_t>(regions / 2)))
      expertise_[static_cast<size_t>(e * regions) + r] = 1;
  }

  const auto horizon = static_cast<size_t>(setting.horizon);
  contexts_.resize(horizon * static_cast<size_t>(width_));
  advice_.resize(horizon * static_cast<size_t>(experts));
  labels_.resize(horizon);
  regions_.resize(horizon);
  for (size_t t = 0; t < horizon; ++t) {
    double* x = contexts_.data() + t * static_cast<size_t>(width_);
    const auto row = static_cast<Eigen::Index>(rng.UniformInt(static_cast<uint64_t>(data.rows())));
    x[0] = rng.Uniform();
    x[1] = rng.Uniform();
    for (size_t c = 0; c < order.size(); ++c) x[c + 2] = data.features(row, order[c]);
    for (int c = 2 + data.columns(); c < width_; ++c) x[c] = rng.Uniform();
    const int label = data.labels[static_cast<size_t>(row)];
    const int region = RegionOf(x[0], x[1], side);
    int wrong = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(classes_ - 1)));
    if (wrong >= label) ++wrong;
    labels_[t] = label;
    regions_[t] = region;
    for (int e = 0; e < experts; ++e)
      advice_[t * static_cast<size_t>(experts) + static_cast<size_t>(e)] =
          rng.Uniform() < Honesty(e, region) ? label : wrong;
  }
}

RoundView AdviceBandit::View(int64_t t, int dims, bool with_region) const {
  return {Context(t).first(static_cast<size_t>(dims)), Advice(t), with_region ? Region(t) : -1};
}

Problem AdviceBandit::ProblemFor(int dims) const {
  EXPERTLAB_CHECK(dims >= 1 && dims <= width_)
      << "g = " << dims << " is not in [1, context width = " << width_ << "]";
  return {classes_,
          setting_.experts,
          dims,
          setting_.horizon,
          setting_.regions,
          std::vector<DecileGrid>(grid_.begin(), grid_.begin() + dims)};
}

}  // namespace expertlab::trees
