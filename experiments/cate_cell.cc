#include "experiments/cate_cell.h"

#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <span>
#include <tuple>

#include "algorithms/cate/covariates.h"
#include "algorithms/cate/expertise.h"
#include "algorithms/cate/learner.h"
#include "algorithms/cate/simulator.h"
#include "algorithms/trees/dataset.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experiments {

using cate::CateLearner;

namespace {

enum CateStream : uint64_t {
  kCateCovariateStream = 1,
  kCateWeightStream = 2,
  kCateActionStream = 3,
  kCateLearnerStream = 4
};

// The preprocessed covariate file of a cell (not synthetic), read once per
// (source, dim, mask) in a process: the plan checks every cell's file and
// the cells of one sweep share it.
std::shared_ptr<const Eigen::MatrixXd> CateFileCovariates(const Params& params) {
  static std::mutex mutex;
  static std::map<std::tuple<std::string, int64_t, int64_t>, std::shared_ptr<const Eigen::MatrixXd>>
      cache;
  const std::string& source = params.String("covariates");
  const auto key = std::make_tuple(source, params.Int("dim"), params.Int("mask"));
  const std::lock_guard<std::mutex> lock(mutex);
  auto& entry = cache[key];
  if (!entry) {
    const bool plain = source.ends_with(".csv");
    entry = std::make_shared<const Eigen::MatrixXd>(cate::PreprocessCovariates(
        cate::ReadCovariateCsv(plain ? source : trees::DatasetPath(source),
                               plain ? cate::CsvLayout::kPlain : cate::CsvLayout::kLabelledDataset),
        static_cast<int>(params.Int("dim")), static_cast<int>(2 * params.Int("mask"))));
  }
  return entry;
}

Eigen::MatrixXd CateCellCovariates(const Params& params, Rng& rng) {
  const int64_t n = params.Int("n");
  if (params.String("covariates") == "synthetic")
    return cate::SyntheticCovariates(n, static_cast<int>(params.Int("dim")), params.Double("rho"),
                                     rng);
  const Eigen::MatrixXd& x = *CateFileCovariates(params);
  // A random subset (all rows when n is larger) in random order: files are
  // often sorted by class, and the cell splits train/test by row order.
  std::vector<Eigen::Index> rows(x.rows());
  std::iota(rows.begin(), rows.end(), Eigen::Index{0});
  Shuffle(rng, rows);
  rows.resize(std::min<size_t>(rows.size(), static_cast<size_t>(n)));
  return x(rows, Eigen::all);
}

}  // namespace

std::vector<ParamSpec> CateKeys(const CateDefaults& defaults) {
  return {
      SpecParam<CateLearner>("learner", defaults.learner, "CATE learner spec"),
      ParamSpec::Text("covariates", "synthetic",
                      "'synthetic', a data set that ./lab prepares in data/ (e.g. satellite, "
                      "breast_cancer; label dropped) or the path of a covariate CSV ending in "
                      ".csv; files are preprocessed: log(1+x) for counts, constant columns "
                      "dropped, dim highest-entropy kept, min-max; n random rows"),
      ParamSpec::Int("n", defaults.n, Bounds::Closed(20, 1 << 22),
                     "rows (80% train, 20% test; a CSV gives at most its own)"),
      ParamSpec::Int("dim", 100, Bounds::Closed(2, 100000),
                     "covariates (synthetic) or columns kept (CSV)"),
      ParamSpec::Double("rho", 0.5, Bounds{0.0, 1.0, false, true},
                        "AR(1) correlation of the synthetic covariates' copula"),
      ParamSpec::Int("mask", 40, Bounds::AtLeast(1), "relevant features per weight vector"),
      ParamSpec::Choice("outcome", "linear", {"linear", "nonlinear"}, "outcome model"),
      ParamSpec::Choice("policy", "predictive", {"predictive", "prognostic"},
                        "what the decision maker acts on: tau or the prognostic score"),
      ParamSpec::Double("beta", 4.0, Bounds::AtLeast(0), "policy sharpness beta >= 0"),
      ParamSpec::Int("d", 0, Bounds::AtLeast(0),
                     "policy feature shift: 2d relevant features swapped for irrelevant ones"),
  };
}

std::vector<std::string> CateDataKeys() {
  return {"covariates", "n", "dim", "rho", "mask", "outcome"};
}

void CheckCateCell(const Params& params) {
  const int64_t mask = params.Int("mask"), d = params.Int("d");
  int64_t dim = params.Int("dim");
  EXPERTLAB_CHECK(2 * mask <= dim)
      << "mask = " << mask << " with dim = " << dim << "; expected 2 mask <= dim";
  // A file's width after preprocessing (also reads it: a missing or
  // malformed file stops the plan).
  if (params.String("covariates") != "synthetic") dim = CateFileCovariates(params)->cols();
  EXPERTLAB_CHECK(d <= (dim - 2 * mask) / 2)
      << "d = " << d << "; expected d <= (dim - 2 mask) / 2 = " << (dim - 2 * mask) / 2
      << " with " << dim << " covariates (the irrelevant features a shift can use)";
}

void RunCateCell(const Params& params, CellContext& context) {
  Rng covariate_rng = context.DataStream(kCateCovariateStream);
  const Eigen::MatrixXd x = CateCellCovariates(params, covariate_rng);
  Rng weight_rng = context.DataStream(kCateWeightStream);
  const cate::Simulator simulator(static_cast<int>(x.cols()), static_cast<int>(params.Int("mask")),
                                  cate::ParseOutcome(params.String("outcome")), weight_rng);
  const int d = static_cast<int>(params.Int("d"));
  const cate::PolicyKind kind = cate::ParsePolicyKind(params.String("policy"));
  const Eigen::VectorXd pi = cate::PolicyPropensity(simulator, x, kind, params.Double("beta"), d);
  const cate::Potential truth = simulator.Evaluate(x);
  const Eigen::VectorXd tau_shifted = simulator.Evaluate(x, d).Tau();

  const Eigen::Index n = x.rows(), n_train = n * 4 / 5, n_test = n - n_train;
  Rng action_rng = context.DataStream(kCateActionStream);
  cate::ObservationalData all{x, std::vector<int>(n), Eigen::VectorXd(n), pi};
  for (Eigen::Index i = 0; i < n; ++i) {
    all.a[i] = action_rng.Uniform() < pi(i) ? 1 : 0;
    all.y(i) = all.a[i] ? truth.mu1(i) : truth.mu0(i);
  }
  std::vector<Eigen::Index> train_rows(n_train), test_rows(n_test);
  for (Eigen::Index i = 0; i < n; ++i) (i < n_train ? train_rows[i] : test_rows[i - n_train]) = i;
  const cate::ObservationalData train = all.Subset(train_rows);
  const cate::ObservationalData test = all.Subset(test_rows);

  auto learner = Registry<CateLearner>::Instance().Create(params.String("learner"));
  Rng learner_rng = context.Stream(kCateLearnerStream);
  learner->Fit(train, learner_rng);
  const cate::CatePrediction p = learner->Predict(test.x);

  const Eigen::VectorXd tau = truth.Tau()(test_rows), mu0 = truth.mu0(test_rows),
                        mu1 = truth.mu1(test_rows);
  const std::span<const int> actions(test.a);
  context.Record("pehe", 0, cate::Pehe(p.tau, tau));
  context.Record("pehe_released", 0, cate::Pehe(p.tau, tau_shifted(test_rows)));
  const double c = cate::InContextVariability(test.propensity, actions);
  context.Record("e_pred", 0, cate::PlugInPredictive(tau, tau, actions));
  context.Record("e_prog", 0, cate::PlugInPrognostic(mu0, mu1, mu0, mu1, actions));
  context.Record("c", 0, c);
  context.Record("e_pred_hat", 0, cate::PlugInPredictive(p.tau, tau, actions));
  context.Record("e_prog_hat", 0, cate::PlugInPrognostic(p.mu0, p.mu1, mu0, mu1, actions));
  if (const std::optional<double> choice = learner->Choice()) context.Record("choice", 0, *choice);
  if (kind == cate::PolicyKind::kPredictive && d == 0) context.Record("theory.e_pred", 0, 1 - c);
}

}  // namespace expertlab::experiments
