// Conformance checks every mixture estimator's test calls: on samples from
// the reference truths of every gate, exact- and over-specified, the fit is
// a valid model (finite, variances positive, reference expert fixed) whose
// log-likelihood is at least the initial model's and is reported
// correctly; fitting twice gives the same model; a sample smaller than the
// parameter count is refused.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "algorithms/gmoe/estimator.h"
#include "algorithms/gmoe/truth.h"
#include "sim/registry.h"
#include "tests/algorithms/gmoe/test_util.h"

namespace expertlab::gmoe::testing {

inline void CheckEstimatorConformance(const std::string& spec) {
  const auto estimator = Registry<MixtureEstimator>::Instance().Create(spec);
  Rng rng = TestRng(30);
  for (const std::string& gate : GateNames()) {
    const Model truth = ReferenceTruth(ParseGate(gate));
    const Sample s = DrawSample(truth, 300, rng);
    for (int k : {2, 3}) {
      INFO("estimator " << spec << ", gate " << gate << ", k " << k << ", seed " << kSeed);
      const Model init = NearTrueInit(truth, k, {0.5, 0.5, 0.05, 0.2}, rng);
      const FitResult fit = estimator->Fit(s.x, s.y, init);
      CHECK_NOTHROW(fit.model.Validate());
      CHECK(fit.model.k() == k);
      CHECK(std::isfinite(fit.log_likelihood));
      CHECK(fit.log_likelihood >= LogLikelihood(init, s.x, s.y));
      CHECK(fit.log_likelihood == Approx(LogLikelihood(fit.model, s.x, s.y)).epsilon(1e-12));
      const FitResult again = estimator->Fit(s.x, s.y, init);
      CHECK(again.log_likelihood == fit.log_likelihood);
      CHECK(again.model.b == fit.model.b);
    }
    const Model init = NearTrueInit(truth, 3, NearTrueScales(300), rng);
    const int too_few = init.NumFreeParams() - 1;
    CHECK_THROWS_WITH(estimator->Fit(s.x.topRows(too_few), s.y.head(too_few), init),
                      Catch::Contains("n: "));
  }
}

}  // namespace expertlab::gmoe::testing
