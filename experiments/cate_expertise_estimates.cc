// cate_expertise_estimates: plug-in estimates of the decision maker's
// normalised predictive and prognostic expertise from each learner's
// fitted outcomes, against the value from the true outcomes (Hüyük, Wei,
// Curth & van der Schaar, "Defining Expertise: Applications to Treatment
// Effect Estimation", ICLR 2024, §5.3: the estimates track the truth; the
// action-predictive learner's are the most faithful).
//
// Data keys and rows: experiments/cate_cell.h (e_pred_hat, e_prog_hat
// against e_pred, e_prog; theory.e_pred is the exact value where the
// policy acts on tau itself).
#include "experiments/cate_cell.h"

namespace expertlab::experiments {
namespace {

class CateExpertiseEstimates final : public CateStudy {
 public:
  CateExpertiseEstimates() : CateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(CateExpertiseEstimates, "cate_expertise_estimates",
                              "plug-in expertise estimates from each learner's fitted outcomes "
                              "vs the true normalised expertise")

}  // namespace expertlab::experiments
