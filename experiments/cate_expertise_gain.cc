// cate_expertise_gain: PEHE(Baseline) - PEHE(method) against the decision
// maker's normalised expertise, along the beta and d sweeps of predictive
// and prognostic policies (Hüyük, Wei, Curth & van der Schaar, "Defining
// Expertise: Applications to Treatment Effect Estimation", ICLR 2024, §5.2,
// Fig. 4 and Table 1). The paper's findings: the action-predictive
// learner's advantage over the TARNet baseline grows with predictive
// expertise; balancing (CFRNet) helps under prognostic expertise and hurts
// under predictive expertise; the expertise-informed pipeline is best on
// average.
//
// Data keys: covariates, n, dim, rho, mask, outcome (every learner and
// every policy of a replicate meets the same units; experiments/cate_cell.h).
// Rows: the standard rows of cate_cell.h.
#include "experiments/cate_cell.h"

namespace expertlab::experiments {
namespace {

class CateExpertiseGain final : public CateStudy {
 public:
  CateExpertiseGain() : CateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(CateExpertiseGain, "cate_expertise_gain",
                              "PEHE gain over the TARNet baseline vs normalised expertise, "
                              "predictive and prognostic policies, beta and d sweeps")

}  // namespace expertlab::experiments
