// End-to-end checks of the experts experiments: each runs one tiny cell
// through the engine, bad inputs fail with a clear message, and learners
// compared in one replicate meet the same loss sequence (common random
// numbers). Every registered experiment's embedded configs are planned by
// tests/sim/plan_test.cc.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/config.h"
#include "sim/executor.h"
#include "sim/experiment.h"
#include "sim/grid.h"
#include "sim/sweep.h"
#include "tests/sim/one_cell.h"

namespace expertlab {
namespace {

std::vector<MetricRow> RunOne(const std::string& name, const std::vector<std::string>& overrides) {
  return testing::RunOneCell(name, overrides);
}

void Plan(const std::string& name, const std::vector<std::string>& overrides) {
  testing::PlanQuickSweep(name, overrides, "experts");
}

double Final(const std::vector<MetricRow>& rows, const std::string& metric) {
  double value = -1e300;
  int64_t step = -1;
  for (const auto& r : rows)
    if (r.name == metric && r.step > step) {
      step = r.step;
      value = r.value;
    }
  return value;
}

TEST_CASE("memory-regret experiments run a tiny cell", "[unit]") {
  auto rows =
      RunOne("regret_vs_memory", {"n=64", "T=2048", "memory=8", "c=1", "learner=multiscale_pool"});
  // lower_bound = sqrt(nT/S) = sqrt(64 * 2048 / 8) = 128.
  CHECK(Final(rows, "lower_bound") == Approx(128.0));
  CHECK(Final(rows, "delta") == Approx(std::sqrt(64.0 / (8 * 2048))));
  CHECK(Final(rows, "memory_words") <= 8);
  rows = RunOne("regret_vs_horizon", {"n=32", "memory=8", "T=1024"});
  CHECK(Final(rows, "memory_words") <= 8);
  rows = RunOne("low_mistake", {"n=64", "memory=8", "T=1024"});
  CHECK(Final(rows, "swxz_predict") == 8.0);
  rows = RunOne("adaptive_threshold", {"n=64", "ratio=2", "T=512"});
  CHECK(Final(rows, "memory") == 16.0);
  rows = RunOne("leader_trap", {"n=32", "memory=8", "T=1000"});
  CHECK(Final(rows, "window") == 100.0);  // ceil(1000^(2/3))
}

TEST_CASE("theory rows use the parameters the learner reports", "[unit]") {
  // An explicit delta is the delta in use: at n = 2, T = 2^16, M = 4 SWXZ22's
  // conditions hold for delta = 1/2 and fail for the auto delta
  // n log2^2 n / (S T) = 2^-16.
  auto rows = RunOne("low_mistake", {"learner=swxz_low_mistake(rule=naive, delta=0.5)", "n=2",
                                     "memory=2", "T=65536", "mistakes=4"});
  CHECK(Final(rows, "param.delta") == 0.5);
  CHECK(Final(rows, "swxz_valid") == 1.0);
  rows = RunOne("low_mistake",
                {"learner=swxz_low_mistake", "n=2", "memory=2", "T=65536", "mistakes=4"});
  CHECK(Final(rows, "param.delta") == Approx(1.0 / 65536));
  CHECK(Final(rows, "swxz_valid") == 0.0);
  // A learner without a delta gets no validity row.
  rows = RunOne("low_mistake", {"learner=pool_cycling", "n=64", "memory=8", "T=1024"});
  CHECK(Final(rows, "swxz_valid") == -1e300);
  // The horizon model uses the learner's own epoch and candidate slots:
  // baseline_pool(active_fraction=0.5) at n = 32, S = 8, T = 1024 has m = 4,
  // B = ceil((1024 * 4 / 32)^{2/3}) = 26, so D = (32 / 8 + 1) 26 = 130 and
  // R = delta D = 13 on the default planted delta = 0.1; its detection epoch
  // 4 (1/2)^2 ln(8 * 1024 + 1) / 0.01 = 901 > 26: not yet asymptotic.
  rows = RunOne("regret_vs_horizon",
                {"learner=baseline_pool(active_fraction=0.5)", "n=32", "memory=8", "T=1024"});
  CHECK(Final(rows, "param.candidates") == 4.0);
  CHECK(Final(rows, "search_days") == Approx(130.0));
  CHECK(Final(rows, "predicted") == Approx(13.0));
  CHECK(Final(rows, "theory.slope") == Approx(2.0 / 3.0));
  CHECK(Final(rows, "theory.fit") == 0.0);
  // Fixed-eta Hedge: ln n / eta with eta = sqrt(8 ln n / T), always fitted.
  rows = RunOne("regret_vs_horizon", {"learner=hedge", "n=32", "memory=8", "T=1024"});
  CHECK(Final(rows, "predicted") == Approx(std::sqrt(1024 * std::log(32.0) / 8)));
  CHECK(Final(rows, "theory.fit") == 1.0);
  // regret_vs_gap: delta* = sqrt(n / (S T)) = sqrt(64 / (4 * 1024)) = 1/8,
  // so delta = 0.1 sits at 0.8 delta*; the share paid is mean-regret over
  // delta T.
  rows = RunOne("regret_vs_gap",
                {"learner=random_subset", "n=64", "memory=4", "T=1024", "delta=0.1"});
  CHECK(Final(rows, "delta_star") == Approx(0.125));
  CHECK(Final(rows, "gap_ratio") == Approx(0.8));
  CHECK(Final(rows, "paid_fraction") == Approx(Final(rows, "mean_regret") / 102.4));
  // The rotation model uses the learner's active pool k and the adversary's
  // window W: S = 2 sqrt(64) = 16, k = floor(16 * 0.8 / 2) = 6, W = 8.
  rows = RunOne("adaptive_threshold",
                {"learner=robust_pool(active_fraction=0.8)", "n=64", "ratio=2", "T=256"});
  CHECK(Final(rows, "param.active") == 6.0);
  CHECK(Final(rows, "instance.window") == 8.0);
  CHECK(Final(rows, "kill_predict") == Approx(1 - 6.0 / 9));
}

TEST_CASE("bad memory-regret inputs fail with clear errors", "[unit]") {
  std::filesystem::remove_all(testing::NeverWrittenDir("experts"));
  // Cross-key checks (Experiment::CheckCell) fail the plan, before any
  // cell runs: S > n in any cell of the grid, delta* >= 1/2, M > T, and a
  // memory the learner itself refuses.
  CHECK_THROWS_WITH(Plan("regret_vs_memory", {"n=64", "T=2048", "memory=8,128", "c=1"}),
                    "regret_vs_memory: memory S = 128 is not in [1, n = 64]; "
                    "lower memory or raise n");
  CHECK_THROWS_WITH(Plan("low_mistake", {"n=64", "memory=65"}),
                    Catch::Contains("memory S = 65 is not in [1, n = 64]"));
  CHECK_THROWS_WITH(Plan("leader_trap", {"n=16", "memory=17"}),
                    Catch::Contains("memory S = 17 is not in [1, n = 16]"));
  CHECK_THROWS_WITH(Plan("regret_vs_horizon", {"n=16", "memory=17"}),
                    Catch::Contains("memory S = 17 is not in [1, n = 16]"));
  CHECK_THROWS_WITH(Plan("regret_vs_memory", {"n=64", "T=48", "memory=5", "c=1", "delta=auto"}),
                    Catch::Contains("is not below 1/2"));
  CHECK_THROWS_WITH(Plan("low_mistake", {"T=100", "mistakes=101"}),
                    Catch::Contains("mistakes M = 101 exceeds T = 100"));
  CHECK_THROWS_WITH(Plan("regret_vs_horizon", {"learner=robust_pool", "memory=2"}),
                    Catch::Contains("memory"));
  CHECK_FALSE(std::filesystem::exists(testing::NeverWrittenDir("experts")));
  // Parse-time errors: S < 1, T = 0, delta outside (0, 1/2).
  SweepConfig config = DefaultConfig("regret_vs_memory");
  CHECK_THROWS_AS(ApplyOverride(config, "memory=0"), Error);
  CHECK_THROWS_AS(ApplyOverride(config, "T=0"), Error);
  SweepConfig trap = DefaultConfig("leader_trap");
  CHECK_THROWS_AS(ApplyOverride(trap, "delta=0.5"), Error);
  CHECK_THROWS_AS(ApplyOverride(trap, "delta=0"), Error);
  SweepConfig horizon = DefaultConfig("regret_vs_horizon");
  CHECK_THROWS_AS(ApplyOverride(horizon, "instance=planted_bernoulli(delta=0.6)"), Error);
  CHECK_THROWS_AS(ApplyOverride(horizon, "learner=swxz_mw(memory=0)"), Error);
}

// Fields of one CSV line (quoted fields may hold commas).
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// Runs a sweep of `experiment` with `overrides` through the engine (2
// threads) and returns {(every column but `apart`, metric, step, value),
// replicate -> distinct values of `metric`} from the exported CSV, where
// `apart` are the keys whose cells should share their data.
using Groups = std::map<std::string, std::set<std::string>>;
Groups ValuesAcross(const std::string& experiment, const std::vector<std::string>& overrides,
                    const std::set<std::string>& apart, const std::string& metric) {
  const auto out = std::filesystem::temp_directory_path() /
                   ("expertlab_crn_" + experiment + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(out);
  RunRequest request;
  request.experiment = experiment;
  request.config_file = "/dev/null";  // defaults + overrides only
  request.assignments = overrides;
  request.out_dir = out.string();
  request.threads = 2;
  request.quiet = true;
  RunLocal(request, PlanSweep(request));
  std::ifstream in(out / (experiment + ".csv"));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = CsvFields(line);
  Groups groups;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = CsvFields(line);
    std::string key, value;
    bool wanted = false;
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "metric") wanted = fields[i] == metric;
      if (header[i] == "value") value = fields[i];
      if (header[i] != "value" && !apart.count(header[i])) key += header[i] + "=" + fields[i] + ";";
    }
    if (wanted) groups[key].insert(value);
  }
  std::filesystem::remove_all(out);
  return groups;
}

// Every group holds one value (the cells that differ only in `apart` saw the
// same data); and there is more than one group value overall.
void CheckShared(const Groups& groups) {
  REQUIRE(!groups.empty());
  std::set<std::string> all;
  for (const auto& [key, values] : groups) {
    INFO(key);
    CHECK(values.size() == 1);
    all.insert(values.begin(), values.end());
  }
  CHECK(all.size() > 1);  // replicates and data keys do differ
}

TEST_CASE("learners in one replicate meet the same loss sequence", "[unit][determinism]") {
  // Oblivious instances: one checksum of the sequence and one best expert's
  // loss per (data keys, replicate), whatever the learner (and, where the
  // sequence does not depend on it, the memory S).
  const std::vector<std::string> hedge = {"learner=hedge,hedge(schedule=anytime),ftl",
                                          "instance=planted_bernoulli(delta=0.1),ftl_trap",
                                          "n=2,16", "T=64,256", "reps=2"};
  CheckShared(ValuesAcross("hedge_regret", hedge, {"learner"}, "sequence_checksum"));
  CheckShared(ValuesAcross("hedge_regret", hedge, {"learner"}, "best_loss"));
  CheckShared(ValuesAcross("low_mistake",
                           {"learner=swxz_low_mistake,pool_cycling,random_subset", "n=64",
                            "memory=4,16", "T=512", "mistakes=2", "reps=3"},
                           {"learner", "memory"}, "sequence_checksum"));
  CheckShared(ValuesAcross("regret_vs_memory",
                           {"learner=multiscale_pool,random_subset,hedge", "n=64", "T=2048",
                            "memory=8,16", "c=1", "reps=2"},
                           {"learner"}, "sequence_checksum"));
  CheckShared(ValuesAcross(
      "regret_vs_horizon",
      {"learner=multiscale_pool,swxz_mw,hedge", "n=32", "memory=8", "T=512,1024", "reps=2"},
      {"learner"}, "sequence_checksum"));
  CheckShared(ValuesAcross(
      "leader_trap",
      {"learner=baseline_pool,baseline_pool(rule=leader)", "n=32", "memory=8", "T=1000", "reps=2"},
      {"learner"}, "sequence_checksum"));
  // An adaptive adversary reacts to the plays: its sequences are not
  // shared, and its rows say so.
  const std::vector<std::string> adaptive = {"learner=robust_pool,random_subset", "n=64", "ratio=2",
                                             "T=256", "reps=2"};
  for (const auto& [key, values] :
       ValuesAcross("adaptive_threshold", adaptive, {"learner"}, "oblivious")) {
    INFO(key);
    CHECK(values == std::set<std::string>{"0"});
  }
  for (const auto& [key, values] :
       ValuesAcross("adaptive_threshold", adaptive, {"learner"}, "sequence_checksum"))
    CHECK(values.size() == 2);
}

}  // namespace
}  // namespace expertlab
