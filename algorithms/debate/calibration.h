// Calibration of a judge's stated confidence (Khan et al., "Debating with
// More Persuasive LLMs Leads to More Truthful Answers", ICML 2024, §2.3 and
// Figs. 6, 19: Brier score, reliability, selective accuracy vs coverage).
//
// Per question the judge states p = P(the true answer). Its choice is the
// answer it gives more than 1/2 (a tie counts half), its confidence
// c = max(p, 1 - p) (the paper: the answer with the higher confidence is
// the choice). Over a set of questions:
//   brier               mean (1 - p)^2 (labels swapped, the same value)
//   argmax_accuracy     mean of [p > 1/2] + [p = 1/2] / 2
//   calibration_error   expected calibration error: questions binned by c
//                       into `bins` equal bins of [1/2, 1] (c = 1 in the
//                       last), sum over bins of (bin size / Q) *
//                       |accuracy in bin - mean c in bin|
//   selective_accuracy  argmax accuracy over the ceil(coverage * Q)
//                       questions of highest confidence (ties kept in
//                       question order)
#pragma once

#include <vector>

namespace expertlab::debate {

struct Calibration {
  double brier = 0.0;
  double argmax_accuracy = 0.0;
  double calibration_error = 0.0;
  double selective_accuracy = 0.0;
};

// Errors unless `truth` is non-empty with values in [0, 1], bins >= 1 and
// coverage in (0, 1].
Calibration Calibrate(const std::vector<double>& truth, int bins, double coverage);

}  // namespace expertlab::debate
