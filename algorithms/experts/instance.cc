#include "algorithms/experts/instance.h"

#include "sim/check.h"

namespace expertlab::experts {

void LossSequence::Fill(int64_t day, Eigen::ArrayXd& losses) const {
  for (Eigen::Index i = 0; i < losses.size(); ++i) losses[i] = Loss(day, static_cast<int>(i));
}

void LossSequence::FillMeans(int64_t day, Eigen::ArrayXd& means) const {
  for (Eigen::Index i = 0; i < means.size(); ++i) means[i] = Mean(day, static_cast<int>(i));
}

void LossSequence::Accumulate(int64_t first, int64_t last, Eigen::ArrayXd& cumulative) const {
  EXPERTLAB_CHECK(Oblivious()) << "Accumulate needs an oblivious sequence: an adaptive one must be "
                                  "replayed day by day";
  Eigen::ArrayXd day_losses(cumulative.size());
  for (int64_t day = first; day <= last; ++day) {
    Fill(day, day_losses);
    cumulative += day_losses;
  }
}

}  // namespace expertlab::experts
