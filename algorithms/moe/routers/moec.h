// MoEC (Mixture of Expert Clusters): a top-1 Switch-style gate over experts
// partitioned into clusters of consecutive experts; a variance loss pulls
// the routing mass of the experts inside a cluster together, so they stay
// interchangeable, and in training a random share q of every cluster's
// experts is dropped, a token whose best expert is dropped going to the best
// remaining expert of the same cluster.
//
// Paper: Y. Xie, S. Huang, T. Chen, F. Wei, "MoEC: Mixture of Expert
// Clusters", AAAI 2023, pp. 13807-13815. Only the abstract was available to
// us; the mechanics follow the authors' fairseq release: G contiguous
// clusters (--group-num), the variance term
//   L_var = w E (1 / G) sum_g Var_{i in g}(P_i),  P_i = mean_t p_ti
// (population variance; w = --moe-gate-loss-wt 0.01 x --var-coef 1; the
// Switch balance term E sum_i f_i P_i is the layer's), and expert-level
// dropout of floor(q m) of each cluster's m experts (--exp-level-drop 0.5),
// the same positions in every cluster, resampled every 250 training calls
// (--dropout-interval), none at inference. The release gates with cosine
// similarities of a 32-dimensional projection and sends a token whose
// expert is dropped to the best surviving expert anywhere; this router is
// the Switch gate p = softmax(z) with the dropped logits masked (p over the
// surviving experts), weight p_e of the chosen expert, and the replacement
// taken inside the cluster (reroute = cluster) or anywhere (any).
//
// Parameters
//   groups             >= 1, divides E  8         clusters G
//   q                  [0, 1)           0.5       share of each cluster dropped
//   dropout_interval   >= 1             250       training calls per mask
//   var_loss           >= 0             0.01      w, the variance term's weight
//   reroute            cluster | any    cluster   where a dropped choice goes
//
// One slot whatever the layer's k. The training call count is this
// router's state (as SMoE-Dropout's), so a layer's routing is a function of
// its call sequence; a mask is drawn from RouterContext::rng, and a
// training call that must draw one without a stream is refused.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class Moec final : public Router {
 public:
  explicit Moec(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  void SaveState(ByteWriter& out) const override;
  void RestoreState(ByteReader& in) override;
  double AuxiliaryLoss(const RouterContext& context, const double* logits, const Routing& routing,
                       double* d_logits) const override;

  // Experts dropped in the last training call ([E], 1 = dropped; empty
  // before the first one).
  const std::vector<char>& dropped() const { return dropped_; }

 private:
  // Draws which floor(q m) positions of every cluster of m experts drop.
  void DrawDropMask(int64_t experts, Rng* rng);
  // The slot of token t with masked probabilities p: its best expert by
  // the unmasked logits z, or that expert's replacement when dropped.
  int32_t Choose(const double* z, const double* p, int64_t experts, bool masked) const;

  int64_t groups_;
  double q_;
  int64_t dropout_interval_;
  double var_loss_;
  bool reroute_in_cluster_;
  int64_t training_calls_ = 0;
  std::vector<char> dropped_;
  std::vector<double> masked_;
  std::vector<int32_t> positions_;
  mutable std::vector<double> d_probs_, full_probs_;
};

}  // namespace expertlab::moe
