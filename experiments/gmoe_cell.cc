#include "experiments/gmoe_cell.h"

#include <cmath>
#include <limits>

#include "algorithms/gmoe/em.h"
#include "algorithms/gmoe/truth.h"
#include "algorithms/gmoe/voronoi.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "theory/gmoe_rates.h"

namespace expertlab::experiments {
namespace {

using gmoe::Coordinates;
using gmoe::Model;

constexpr uint64_t kSampleStream = 1;
constexpr uint64_t kStartStreamBase = 100;

void RecordErrors(const Model& fit, const Model& truth, CellContext& context, int64_t step) {
  const std::vector<int> cells = gmoe::VoronoiCells(fit, truth, Coordinates::kIdentifiable);
  double beta1 = 0, ratio = 0;
  for (int i = 0; i + 1 < fit.k(); ++i) {
    const int j = cells[i];
    beta1 += (fit.beta1.row(i) - truth.beta1.row(j)).lpNorm<1>();
    ratio += (fit.beta1.row(i) / fit.tau - truth.beta1.row(j) / truth.tau).lpNorm<1>();
  }
  context.Record("err_beta1", step, beta1);
  context.Record("err_tau", step, std::abs(fit.tau - truth.tau));
  context.Record("err_ratio", step, ratio);
}

}  // namespace

std::vector<ParamSpec> GmoeStudy::Parameters() const {
  return {
      ParamSpec::Choice("gate", default_gate_, gmoe::GateNames(),
                        "gate: softmax, temperature, or an activation (identity, relu, "
                        "sigmoid, tanh, gelu) before the softmax with tau estimated"),
      ParamSpec::Int("k", 2, Bounds::AtLeast(1),
                     "experts fitted (the truth has 2; 3-4 is over-specified)"),
      ParamSpec::Int("n", 1000, Bounds::AtLeast(1), "sample size"),
      SpecParam<gmoe::MixtureEstimator>("estimator", "em", "estimator spec, e.g. em(max_iter=500)"),
      ParamSpec::Int("restarts", 1, Bounds::Closed(1, 64),
                     "near-truth starts; the fit of highest likelihood is kept"),
      ParamSpec::Double("init_scale_sd", 0.0, Bounds::AtLeast(0),
                        "sd of log c for starts moved to c (beta1, beta0, tau) (tau estimated)"),
  };
}

void GmoeStudy::CheckCell(const Params& params) const {
  const Model truth = gmoe::ReferenceTruth(gmoe::ParseGate(params.String("gate")));
  const int64_t k = params.Int("k");
  EXPERTLAB_CHECK(k >= truth.k() && k <= truth.k() + 2)
      << "k: fit between " << truth.k() << " (the true order) and " << truth.k() + 2
      << " experts, got " << k;
  const Model fitted = gmoe::ZeroModel(truth.gate, static_cast<int>(k), truth.d());
  EXPERTLAB_CHECK(params.Int("n") >= fitted.NumFreeParams())
      << "n: " << params.Int("n") << " observations cannot determine the "
      << fitted.NumFreeParams() << " free parameters of a " << k << "-expert " << truth.gate.name
      << " model";
}

void GmoeStudy::RunCell(const Params& params, CellContext& context) const {
  const Model truth = gmoe::ReferenceTruth(gmoe::ParseGate(params.String("gate")));
  const int k = static_cast<int>(params.Int("k"));
  const int n = static_cast<int>(params.Int("n"));
  Rng data = context.DataStream(kSampleStream);
  const gmoe::Sample sample = gmoe::DrawSample(truth, n, data);
  const auto estimator =
      Registry<gmoe::MixtureEstimator>::Instance().Create(params.String("estimator"));
  gmoe::InitScales scales = gmoe::NearTrueScales(n);
  scales.scale = params.Double("init_scale_sd");

  gmoe::FitResult best;
  best.log_likelihood = -std::numeric_limits<double>::infinity();
  const int64_t restarts = params.Int("restarts");
  int converged = 0;
  for (int64_t r = 0; r < restarts; ++r) {
    Rng start_rng = context.Stream(kStartStreamBase + static_cast<uint64_t>(r));
    gmoe::FitResult fit =
        estimator->Fit(sample.x, sample.y, gmoe::NearTrueInit(truth, k, scales, start_rng));
    converged += fit.converged;
    if (fit.log_likelihood > best.log_likelihood) best = std::move(fit);
  }

  const int64_t step = n;
  const bool exact = k == truth.k();
  const double d1 = gmoe::VoronoiD1(best.model, truth, Coordinates::kRaw);
  const double d1_ident = gmoe::VoronoiD1(best.model, truth, Coordinates::kIdentifiable);
  const gmoe::VoronoiParts parts = gmoe::VoronoiD2Parts(best.model, truth, Coordinates::kRaw);
  const gmoe::VoronoiParts parts_ident =
      gmoe::VoronoiD2Parts(best.model, truth, Coordinates::kIdentifiable);
  const double d2 = parts.Total(), d2_ident = parts_ident.Total();
  context.Record("d1", step, d1);
  context.Record("d2", step, d2);
  context.Record("d1_ident", step, d1_ident);
  context.Record("d2_ident", step, d2_ident);
  context.Record("d2_mass", step, parts.mass);
  context.Record("d2_shared", step, parts.shared);
  context.Record("d2_mass_ident", step, parts_ident.mass);
  context.Record("d2_shared_ident", step, parts_ident.shared);
  context.Record("voronoi", step, exact ? d1 : d2);
  context.Record("voronoi_ident", step, exact ? d1_ident : d2_ident);
  RecordErrors(best.model, truth, context, step);
  context.Record("inv_log_n", step, 1.0 / std::log(static_cast<double>(n)));
  context.Record("loglik_per_n", step, best.log_likelihood / n);
  context.Record("converged", step, best.converged ? 1.0 : 0.0);
  context.Record("converged_share", step, static_cast<double>(converged) / restarts);
  context.Record("iterations", step, best.iterations);

  const bool homogeneous = truth.gate.PositivelyHomogeneous();
  context.Record("theory.slope", step,
                 theory::PredictedVoronoiSlope(homogeneous, truth.gate.learn_tau, true));
  context.Record("theory.slope_ident", step,
                 theory::PredictedVoronoiSlope(homogeneous, truth.gate.learn_tau, false));
  context.Record("theory.fit", step, 1.0);
}

}  // namespace expertlab::experiments
