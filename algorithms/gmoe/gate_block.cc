#include "algorithms/gmoe/gate_block.h"

#include <algorithm>
#include <cmath>

#include "algorithms/gmoe/gate_objective.h"

namespace expertlab::gmoe {

GateBlock::GateBlock(const Model& model)
    : model_(model),
      design_(kRows, model.d() + 1),
      logits_(kRows, model.k()),
      log_gate_(kRows, model.k()),
      g_(kRows, model.k()),
      slope_(kRows, model.k()),
      residual_(kRows, model.k()),
      r_(kRows),
      weight_(kRows),
      g_logit_(kRows),
      u_(std::max(model.k() - 1, 0), Eigen::MatrixXd(kRows, model.d() + 1)),
      scaled_(kRows, model.d() + 1) {
  design_.col(model.d()).setOnes();
}

void GateBlock::Clear(GateTerms& terms, bool derivatives) const {
  terms.q = 0;
  const int p = derivatives ? NumGateParams(model_) : 0;
  terms.gradient.setZero(p);
  terms.fisher.setZero(p, p);
}

void GateBlock::Evaluate(const Eigen::MatrixXd& x, Eigen::Index start, Eigen::Index rows,
                         bool derivatives) {
  rows_ = rows;
  const int k = model_.k(), d = model_.d();
  const Gate& gate = model_.gate;
  design_.topLeftCorner(rows, d) = x.middleRows(start, rows);
  logits_.topRows(rows).noalias() = design_.topLeftCorner(rows, d) * model_.beta1.transpose();
  for (int i = 0; i < k; ++i)
    for (Eigen::Index j = 0; j < rows; ++j) {
      double score, derivative;
      if (derivatives) {
        gate.ScoreAndDerivative(logits_(j, i), score, derivative);
        slope_(j, i) = derivative / model_.tau;
      } else {
        score = gate.Score(logits_(j, i));
      }
      logits_(j, i) = (score + model_.beta0[i]) / model_.tau;
    }
  // Row-wise log-softmax; g from the same exponentials.
  for (Eigen::Index j = 0; j < rows; ++j) {
    double top = logits_(j, 0);
    for (int i = 1; i < k; ++i) top = std::max(top, logits_(j, i));
    double sum = 0;
    for (int i = 0; i < k; ++i) {
      g_(j, i) = std::exp(logits_(j, i) - top);
      sum += g_(j, i);
    }
    const double lse = top + std::log(sum);
    for (int i = 0; i < k; ++i) {
      log_gate_(j, i) = logits_(j, i) - lse;
      g_(j, i) /= sum;
    }
  }
}

void GateBlock::Accumulate(const Eigen::Ref<const Eigen::MatrixXd>& resp, bool derivatives,
                           GateTerms& terms) {
  const Eigen::Index n = rows_;
  terms.q += (resp.array() * log_gate_.topRows(n).array()).sum();
  if (!derivatives) return;

  // dQ/dlogit_ji = R_ji - r_j g_ji; expert i's rows of the Jacobian are
  // u_ji = (s'(w_ji) x_j / tau, 1 / tau), log tau's are -logit_ji.
  const int k = model_.k(), d = model_.d(), b = d + 1;
  const Eigen::Index p = terms.gradient.size();
  const bool tau = model_.gate.learn_tau;
  const auto g = g_.topRows(n);
  const auto logits = logits_.topRows(n);
  r_.head(n) = resp.rowwise().sum();
  residual_.topRows(n) = resp - r_.head(n).asDiagonal() * g;
  for (int i = 0; i + 1 < k; ++i) {
    u_[i].topLeftCorner(n, d) = slope_.col(i).head(n).asDiagonal() * design_.topLeftCorner(n, d);
    u_[i].col(d).head(n).setConstant(1.0 / model_.tau);
    terms.gradient.segment(i * b, b).noalias() +=
        u_[i].topRows(n).transpose() * residual_.col(i).head(n);
  }
  if (tau) terms.gradient[p - 1] -= (residual_.topRows(n).array() * logits.array()).sum();

  // Fisher: W_j[i][l] = r_j (delta_il g_ji - g_ji g_jl); expert i's
  // coupling with log tau is sum_l W_j[i][l] (-logit_jl)
  // = -r_j g_ji (logit_ji - sum_l g_jl logit_jl).
  g_logit_.head(n) = (g.array() * logits.array()).rowwise().sum();
  for (int i = 0; i + 1 < k; ++i) {
    for (int l = i; l + 1 < k; ++l) {
      weight_.head(n) = -(r_.head(n).array() * g.col(i).array() * g.col(l).array()).matrix();
      if (l == i) weight_.head(n) += (r_.head(n).array() * g.col(i).array()).matrix();
      scaled_.topRows(n) = weight_.head(n).asDiagonal() * u_[l].topRows(n);
      terms.fisher.block(i * b, l * b, b, b).noalias() +=
          u_[i].topRows(n).transpose() * scaled_.topRows(n);
    }
    if (tau) {
      weight_.head(n) = -(r_.head(n).array() * g.col(i).array() *
                          (logits.col(i).array() - g_logit_.head(n).array()))
                             .matrix();
      terms.fisher.block(i * b, p - 1, b, 1).noalias() +=
          u_[i].topRows(n).transpose() * weight_.head(n);
    }
  }
  if (tau) {
    // logit^T W logit = r (sum_i g_i logit_i^2 - (sum_i g_i logit_i)^2)
    terms.fisher(p - 1, p - 1) +=
        (r_.head(n).array() * ((g.array() * logits.array().square()).rowwise().sum() -
                               g_logit_.head(n).array().square()))
            .sum();
  }
}

void GateBlock::Finish(GateTerms& terms) {
  const Eigen::MatrixXd full = terms.fisher.selfadjointView<Eigen::Upper>();
  terms.fisher = full;
}

}  // namespace expertlab::gmoe
