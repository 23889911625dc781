// Multi-scale pool (PR23-inspired): one active pool played with continuous
// Hedge, fed by candidates on probation whose window doubles each time a
// full sweep over the experts at the current window admitted nobody.
//
// Inspired by B. Peng and A. Rubinstein, "Near optimal memory-regret
// tradeoff for online learning", FOCS 2023 (arXiv 2303.01673), whose
// oblivious-adversary algorithm nearly matches the SWXZ22 lower bound
// R = Omega(sqrt(nT/S)). PR23's algorithm text was NOT available to us
// (only the abstract), so this
// is our design [R], not PR23's algorithm. What it takes from the
// "baseline + boosting" summary of the line: a single-scale pool
// (baseline_pool.h) pays ~sqrt(B) per epoch for restarting its Hedge and
// must guess the scale 1/delta^2 at which the best expert becomes visible.
// Here
//   - candidates (m slots) are probed together over windows of B days; one
//     whose window loss is at most the algorithm's expected loss over the
//     same window minus theta_B = margin sqrt(B ln(S T)) is admitted;
//   - B starts at base_epoch and doubles after ceil((n - k) / m) windows
//     (a sweep over the experts) without an admission, so the scale at
//     which the gap shows is found at about twice the cost of knowing it;
//   - the active pool keeps cumulative losses across windows (no restart):
//     Hedge with eta = sqrt(8 ln k / T); a newcomer enters level with the
//     current leader; when the pool is full it replaces the member with
//     the largest loss; members whose weight fell below 1/(kT) leave.
// Expected shape on the planted instance at delta* = c sqrt(n/(ST)): the
// search costs ~ 2 delta n B* / m with B* ~ margin^2 ln(ST) / delta^2,
// i.e. ~ sqrt(nT/S) up to a log (slope -1/2 in S, 1/2 in T), plus the
// Hedge floor sqrt(T ln k / 8) once i* leads.
//
// Parameters
//   memory           int >= 2 (<= n)  S = k active + m candidates
//   base_epoch       int >= 1         B_0, first probation window
//   margin           > 0              theta multiplier
//   active_fraction  (0, 1)           k = clamp(floor(S f), 1, S - 1)
//
// Memory: S words (each active expert's cumulative loss, each candidate's
// window loss; B, the window start and the algorithm's loss then are O(1)).
#pragma once

#include <vector>

#include "algorithms/experts/two_pool_learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class MultiscalePool final : public HedgeOnActivePool {
 public:
  explicit MultiscalePool(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  void Observe(const LossView& losses) override;

  int64_t window() const { return window_; }
  int64_t admissions() const { return admissions_; }
  ParamValues EffectiveParams() const override {
    return {{"active", static_cast<double>(active_.capacity())},
            {"candidates", static_cast<double>(candidates_.capacity())},
            {"base_epoch", static_cast<double>(base_epoch_)},
            {"eta", eta_}};
  }

 private:
  void Admit(int expert);
  void StartWindow();
  void EndWindow();

  int64_t base_epoch_;
  double margin_;
  double active_fraction_;

  int num_experts_ = 0;
  double log_st_ = 0;
  double evict_gap_ = 0;       // (L_i - min L) beyond which a weight is < 1/(kT)
  int64_t window_ = 0;         // current probation window B
  int64_t sweep_windows_ = 0;  // windows per sweep over the experts
  int64_t quiet_windows_ = 0;  // windows since the last admission
  int64_t window_day_ = 0;
  double alg_window_loss_ = 0;
  int64_t admissions_ = 0;
  // Statistic 0: the active pool's cumulative loss (offset at admission),
  // the candidates' loss over the current window.
};

}  // namespace expertlab::experts
