// cate_table: mean PEHE per learner over predictive and prognostic
// settings, the TARNet family and the expertise-informed pipeline beside
// the S-, T-, X- and DR-learners (Hüyük, Wei, Curth & van der Schaar,
// "Defining Expertise: Applications to Treatment Effect Estimation", ICLR
// 2024, Table 1; the meta-learners were not compared there: Künzel et al.,
// PNAS 2019; Kennedy, EJS 2023).
//
// Data keys and rows: experiments/cate_cell.h.
#include "experiments/cate_cell.h"

namespace expertlab::experiments {
namespace {

class CateTable final : public CateStudy {
 public:
  CateTable() : CateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(CateTable, "cate_table",
                              "mean PEHE per CATE learner (TARNet family, pipeline, S/T/X/DR "
                              "meta-learners) over predictive and prognostic settings")

}  // namespace expertlab::experiments
