// regret_vs_horizon: regret R against the horizon T for fixed n and memory
// S, per learner, on a planted instance with a fixed gap (or delta*(S, T)
// when c > 0), or on the random-order decoy sequence.
//
// Theory. At a fixed gap delta every learner here pays delta per day while
// it searches for i* (D days) and then the cost of its learning rate:
//   R(T) ~ delta D + H(T).
// What makes a slope is how D and H scale with T (HorizonModel below; the
// search lengths are the closed forms of theory/memory_bounds.h):
//   - Hedge (fixed eta = sqrt(8 ln n / T)): D = 0, H = ln n / eta ~ T^1/2;
//   - random subset: i* missing with probability 1 - S/n, R ~ delta T: 1;
//   - SWXZ22 pool MW: D = SwxzSearchDays (constant in T up to log T), H =
//     ln S / eps with eps = delta_param / 2 and delta_param ~ T^{-1/2}: 1/2
//     once H dominates;
//   - multiscale pool (PR23-inspired): D = MultiscaleSearchDays (constant
//     in T up to its log), H = ln k / eta = sqrt(T ln k / 8): 1/2 once H
//     dominates;
//   - pool booster (PR23-inspired): D = the probation search of its copies
//     whose epochs reach the admission epoch, in parallel
//     (ParallelProbationSearchDays), H = the outer Hedge's sqrt(T ln J / 8):
//     1/2 once H dominates;
//   - baseline pool (PZ23-inspired): its epoch is tuned to T, B = (T m /
//     n)^{2/3}, so D = (n / (2m) + 1) B ~ T^{2/3} and, once i* is found, its
//     pool shrinks to i* (the fair members fall delta B > theta behind):
//     2/3, from the T at which B >= B*(delta) (before, i* fails its
//     probation and the regret is nearly delta T).
// theory.slope is that asymptotic slope and theory.fit marks the cells
// where the model says it applies (H >= delta D, or B >= B*); `predicted`
// is the model's R(T), so the report can quote the slope it implies over
// the cells actually run (pre-asymptotic grids give less than 1/2).
// Instances that report no delta get the asymptotic slope on every cell.
//
// The learner gets memory=S if it has that parameter; swxz_mw without an
// explicit alpha gets the instance's comparator rate (1/2 - delta on the
// planted instances).
//
// Data keys: instance, n, T, and memory and c, which set the instance's
// delta when c > 0 (with c = 0 they only split the data by S).
//
// Metrics at log-spaced checkpoints t (per_octave per doubling) and at T:
// the standard rows of experts_cell.h, and
//   hedge_bound       sqrt(t ln n / 2)
//   lower_bound       sqrt(n t / S)
// and at T
//   predicted         the model's R(T) (learners with a model, instances
//                     with a delta)
//   search_days       its D
//   asymptotic_from   the T from which the model says the asymptotic slope
//                     applies (inf: never, e.g. no booster copy's epoch
//                     reaches the admission epoch)
//   theory.slope / theory.fit   as above
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/experts_bounds.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

using experts::ExpertsLearner;
using experts::LossSequence;

struct HorizonModel {
  double slope;             // asymptotic slope of log R on log T
  double search_days = 0;   // D
  double predicted = 0;     // delta D + H(T)
  bool asymptotic = true;   // the slope applies at this T
  double asymptotic_from = 0;  // the T from which it applies (0: every T)
};

// The model of the header for one played cell, or none (e.g. Hedge with a
// decreasing eta, the leader-selection pool, adaptive learners).
std::optional<HorizonModel> ModelOf(const PlayedGame& played, int n, int64_t horizon) {
  const std::string name = SpecName(played.learner_spec);
  const Params spec = SpecParams<ExpertsLearner>(played.learner_spec);
  const auto delta_param = played.SequenceParam("delta");
  const double nd = n, td = static_cast<double>(horizon);
  const double sd = static_cast<double>(played.memory_budget);
  const double delta = delta_param.value_or(0);
  auto param = [&](const char* key) { return played.LearnerParam(key).value_or(0); };
  // H ~ sqrt(T): H >= delta D from T (delta D / H)^2 on.
  auto with_search = [&](double slope, double days, double h) {
    HorizonModel model{slope, days, delta * days + h, h >= delta * days,
                       td * (delta * days / h) * (delta * days / h)};
    if (!delta_param) model.asymptotic = true;
    return model;
  };
  if (name == "hedge" && spec.String("schedule") == "fixed")
    return HorizonModel{0.5, 0, std::log(nd) / param("eta"), true};
  if (name == "random_subset")
    return HorizonModel{1.0, 0, theory::RandomSubsetRegret(nd, sd, delta, td), true};
  if (name == "swxz_mw")
    return with_search(0.5, theory::SwxzSearchDays(nd, sd, td, delta, spec.Double("slack")),
                       std::log(sd) / param("eps"));
  const double detection = delta_param ? theory::PoolDetectionEpoch(spec.Double("margin"), delta,
                                                                    sd, td)
                                       : 0.0;
  if (name == "multiscale_pool") {
    const double k = param("active");
    return with_search(0.5,
                       theory::MultiscaleSearchDays(nd, k, param("candidates"),
                                                    param("base_epoch"), detection),
                       std::sqrt(td * std::log(std::max(k, 2.0)) / 8));
  }
  if (name == "pool_booster") {
    // Every copy whose epoch reaches the admission epoch searches in
    // parallel (pool_booster.h: epochs top / ratio^j).
    const double copy = param("copy_memory"), scales = param("scales");
    const double active = std::clamp(std::floor(copy * spec.Double("active_fraction")), 1.0,
                                     copy - 1);
    const double m = copy - active;
    const double admission =
        theory::PoolAdmissionEpoch(spec.Double("margin"), delta, m, sd, td);
    std::vector<double> epochs, slots;
    for (double epoch = param("top_epoch"); epoch >= param("bottom_epoch");
         epoch /= param("epoch_ratio"))
      if (!delta_param || epoch >= admission) {
        epochs.push_back(epoch);
        slots.push_back(m);
      }
    const double h = std::sqrt(td * std::log(std::max(scales, 2.0)) / 8);
    if (epochs.empty())  // no copy can admit i*
      return HorizonModel{0.5, td, delta * td, false, std::numeric_limits<double>::infinity()};
    return with_search(0.5,
                       theory::ParallelProbationSearchDays(nd, slots.data(), epochs.data(),
                                                           static_cast<int>(epochs.size())),
                       h);
  }
  if (name == "baseline_pool" && spec.String("rule") == "beat") {
    const double epoch = param("epoch");
    const double days = theory::ProbationSearchDays(nd, param("candidates"), epoch);
    // B = (T m / n)^{2/3} reaches B* at T = B*^{3/2} n / m (B*'s log(S T)
    // taken at this T).
    return HorizonModel{2.0 / 3.0, days, delta * std::min(days, td),
                        !delta_param || epoch >= detection,
                        delta_param ? std::pow(detection, 1.5) * nd / param("candidates") : 0.0};
  }
  return std::nullopt;
}

class RegretVsHorizon final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("multiscale_pool", "learner spec; memory=S is set by the cell"),
        InstanceKey("instance", "planted_bernoulli(delta=0.1)", "loss sequence spec"),
        ExpertsCountKey(256),
        MemoryKey(32),
        HorizonKey(65536),
        ParamSpec::Double("c", 0.0, Bounds::AtLeast(0),
                          "if > 0: the instance's delta := c sqrt(n/(S T))"),
        PerOctaveKey(1),
    };
  }
  std::vector<std::string> DataKeys() const override {
    return {"instance", "n", "T", "memory", "c"};
  }

  void CheckCell(const Params& params) const override {
    EXPERTLAB_CHECK(params.Double("c") == 0 ||
                    SpecHasParam<LossSequence>(params.String("instance"), "delta"))
        << "regret_vs_horizon: c > 0 needs an instance with a delta, got "
        << params.String("instance");
    CheckMemoryCell("regret_vs_horizon", params);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const int64_t memory = params.Int("memory");
    const double nd = n, sd = static_cast<double>(memory);
    std::string instance = params.String("instance");
    if (params.Double("c") > 0)
      instance = SpecWith(
          instance, "delta",
          SpecNumber(theory::DeltaStar(params.Double("c"), nd, static_cast<double>(horizon), sd)));
    const PlayedGame played =
        ExpertsGame(params.String("learner"), instance, n, horizon)
            .Memory(memory)
            .KnownComparatorRate()
            .Checkpoints(LogCheckpoints(horizon, static_cast<int>(params.Int("per_octave"))))
            .Play(context);
    for (const auto& point : played.result.points) {
      const double t = static_cast<double>(point.day);
      context.Record("hedge_bound", point.day, theory::HedgeOptimalRegret(n, point.day));
      context.Record("lower_bound", point.day, theory::SwxzLowerBound(nd, t, sd));
    }
    if (const auto model = ModelOf(played, n, horizon)) {
      if (played.SequenceParam("delta")) {
        context.Record("predicted", horizon, model->predicted);
        context.Record("search_days", horizon, model->search_days);
        context.Record("asymptotic_from", horizon, model->asymptotic_from);
      }
      RecordSlopePrediction(context, horizon, model->slope, model->asymptotic);
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RegretVsHorizon, "regret_vs_horizon",
                              "regret vs T for fixed n and memory S (slopes "
                              "1/2 vs 2/3 vs 1)")

}  // namespace expertlab::experiments
