// End-to-end checks of the gmoe experiments (experiments/gmoe_cell.h, after
// Nguyen, Akbarian, Ho, "Is Temperature Sample Efficient for Softmax
// Gaussian Mixture of Experts?", ICML 2024): a tiny cell runs through the
// engine and reports EM's non-convergence as a metric instead of dropping
// the fit, and bad grids (k < 1, k below the true order, an unknown
// activation, n below the parameter count) stop the plan with the key
// named. The embedded configs are planned by tests/sim/plan_test.cc.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config.h"
#include "sim/executor.h"
#include "sim/experiment.h"
#include "sim/grid.h"
#include "sim/sweep.h"
#include "tests/sim/one_cell.h"

namespace expertlab::gmoe {
namespace {

std::vector<MetricRow> RunGmoeCell(const std::string& name,
                                   const std::vector<std::string>& overrides) {
  return expertlab::testing::RunOneCell(name, overrides);
}

// The one row of `metric` (each gmoe metric is recorded once, at step n).
double GmoeMetric(const std::vector<MetricRow>& rows, const std::string& metric) {
  for (const auto& r : rows)
    if (r.name == metric) return r.value;
  FAIL("no row " << metric);
  return 0;
}

void PlanGmoe(const std::string& name, const std::vector<std::string>& overrides) {
  expertlab::testing::PlanQuickSweep(name, overrides, "gmoe");
}

TEST_CASE("gmoe cells report EM's non-convergence as a metric", "[unit]") {
  // One EM iteration cannot meet the relative tolerance 1e-12 from a start
  // off the truth: the fit is kept, its losses recorded, converged = 0.
  const std::vector<std::string> cell = {"gate=tanh", "k=3", "n=400", "restarts=2",
                                         "init_scale_sd=0.3"};
  std::vector<std::string> capped = cell;
  capped.push_back("estimator=em(max_iter=1, tol=1e-12)");
  const auto rows = RunGmoeCell("gmoe_rates", capped);
  CHECK(GmoeMetric(rows, "converged") == 0.0);
  CHECK(GmoeMetric(rows, "converged_share") == 0.0);
  CHECK(GmoeMetric(rows, "iterations") == 1.0);
  for (const char* loss : {"voronoi", "voronoi_ident", "d1", "d2", "err_tau"})
    CHECK(std::isfinite(GmoeMetric(rows, loss)));
  std::vector<std::string> free = cell;
  free.push_back("estimator=em");
  const auto done = RunGmoeCell("gmoe_rates", free);
  CHECK(GmoeMetric(done, "converged") == 1.0);
  CHECK(GmoeMetric(done, "iterations") > 1.0);
}

TEST_CASE("bad gmoe grids fail before any cell runs", "[unit]") {
  std::filesystem::remove_all(expertlab::testing::NeverWrittenDir("gmoe"));
  SweepConfig config = DefaultConfig("gmoe_rates");
  CHECK_THROWS_WITH(ApplyOverride(config, "k=0"), Catch::Contains("k"));
  CHECK_THROWS_WITH(ApplyOverride(config, "gate=swish"), Catch::Contains("swish"));
  CHECK_THROWS_WITH(PlanGmoe("gmoe_rates", {"k=1"}), Catch::Contains("k: fit between 2"));
  // A 3-expert tanh fit in d = 1 has 2 * 2 + 1 gate and 3 * 3 expert
  // parameters: 14 > 10 observations.
  CHECK_THROWS_WITH(PlanGmoe("gmoe_activation", {"gate=tanh", "k=3", "n=10"}),
                    Catch::Contains("n: 10 observations cannot determine the 14 free"));
  CHECK_FALSE(std::filesystem::exists(expertlab::testing::NeverWrittenDir("gmoe")));
}

}  // namespace
}  // namespace expertlab::gmoe
