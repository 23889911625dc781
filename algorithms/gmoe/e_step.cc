#include "algorithms/gmoe/e_step.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace expertlab::gmoe {

void RunEStep(const Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y, EStep& out) {
  const Eigen::Index n = x.rows();
  const int k = model.k(), d = model.d();
  out.responsibilities.resize(n, k);
  out.log_likelihood = 0;
  out.experts.resize(k);
  for (ExpertMoments& m : out.experts) {
    m.gram.setZero(d + 1, d + 1);
    m.rhs.setZero(d + 1);
    m.yy = m.mass = 0;
  }
  GateBlock block(model);
  block.Clear(out.gate, true);

  // log N(y; mean, nu) = -(y - mean)^2 / (2 nu) - (log nu + log 2 pi) / 2
  const double log_2pi = std::log(2 * std::numbers::pi);
  Eigen::VectorXd half_inv_nu(k), log_norm(k);
  for (int i = 0; i < k; ++i) {
    half_inv_nu[i] = 0.5 / model.nu[i];
    log_norm[i] = 0.5 * (std::log(model.nu[i]) + log_2pi);
  }
  Eigen::MatrixXd mean(GateBlock::kRows, k), joint(GateBlock::kRows, k);
  Eigen::MatrixXd weighted(GateBlock::kRows, d + 1);
  Eigen::VectorXd wy(GateBlock::kRows);

  for (Eigen::Index start = 0; start < n; start += GateBlock::kRows) {
    const Eigen::Index rows = std::min(GateBlock::kRows, n - start);
    block.Evaluate(x, start, rows, true);
    const auto design = block.Design();
    const auto log_gate = block.LogGate();
    const auto yb = y.segment(start, rows);
    mean.topRows(rows).noalias() = design.leftCols(d) * model.a.transpose();
    auto resp = out.responsibilities.middleRows(start, rows);
    for (Eigen::Index j = 0; j < rows; ++j) {
      double top = -std::numeric_limits<double>::infinity();
      for (int i = 0; i < k; ++i) {
        const double residual = yb[j] - mean(j, i) - model.b[i];
        joint(j, i) = log_gate(j, i) - residual * residual * half_inv_nu[i] - log_norm[i];
        top = std::max(top, joint(j, i));
      }
      double sum = 0;
      for (int i = 0; i < k; ++i) {
        joint(j, i) = std::exp(joint(j, i) - top);
        sum += joint(j, i);
      }
      out.log_likelihood += top + std::log(sum);
      for (int i = 0; i < k; ++i) resp(j, i) = joint(j, i) / sum;
    }
    block.Accumulate(resp, true, out.gate);
    for (int i = 0; i < k; ++i) {
      ExpertMoments& m = out.experts[i];
      const auto r = resp.col(i);
      weighted.topRows(rows) = r.asDiagonal() * design;
      m.gram.noalias() += design.transpose() * weighted.topRows(rows);
      wy.head(rows) = r.cwiseProduct(yb);
      m.rhs.noalias() += design.transpose() * wy.head(rows);
      m.yy += wy.head(rows).dot(yb);
      m.mass += r.sum();
    }
  }
  GateBlock::Finish(out.gate);
}

}  // namespace expertlab::gmoe
