// The central difference (L(w + h) - L(w - h)) / 2h of a model's loss in
// one of its parameters, the parameter restored afterwards: the numeric
// side of the whole-model gradient checks (MoeModel, SequenceModel).
// `changed` runs after every edit (the models repack their weights).
#pragma once

namespace expertlab::testing {

template <class Loss, class Changed>
double ParameterDifference(double& w, double h, const Loss& loss, const Changed& changed) {
  const double w0 = w;
  w = w0 + h;
  changed();
  const double plus = loss();
  w = w0 - h;
  changed();
  const double minus = loss();
  w = w0;
  changed();
  return (plus - minus) / (2 * h);
}

}  // namespace expertlab::testing
