// Results depend only on (seed, config, replicate): never on thread count,
// shard count or scheduling.
#include "sim/executor.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/results.h"
#include "sim/sweep.h"
#include "tests/sim/file_text.h"
#include "tests/sim/stored_keys.h"

namespace expertlab {
namespace {

// Records a few draws of each stream, and fails where asked.
class ProbeExperiment final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {ParamSpec::Int("x", 0, Bounds::Closed(0, 1000), "a grid value"),
            ParamSpec::Int("fail_at", -1, Bounds::Closed(-1, 1000), "x whose cells throw")};
  }
  void RunCell(const Params& p, CellContext& context) const override {
    EXPERTLAB_CHECK(p.Int("x") != p.Int("fail_at")) << "planted failure";
    Rng rng = context.Stream(0);
    for (int step = 0; step < 3; ++step)
      context.Record("draw", step, rng.Uniform() + static_cast<double>(p.Int("x")));
    context.Record("threads", 0, context.threads());
  }
};

// Common random numbers: `algo` is not a data key, `size` is the sample size.
class DataProbe final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {ParamSpec::Int("data", 0, Bounds::Closed(0, 1000), "defines the data"),
            ParamSpec::Int("algo", 0, Bounds::Closed(0, 1000), "an algorithm setting"),
            ParamSpec::Int("size", 1, Bounds::Closed(1, 1000), "sample size")};
  }
  std::vector<std::string> DataKeys() const override { return {"data"}; }
  void RunCell(const Params& p, CellContext& context) const override {
    Rng data = context.DataStream(0);
    for (int64_t i = 0; i < p.Int("size"); ++i) context.Record("sample", i, data.Uniform());
    context.Record("algo_draw", 0, context.Stream(0).Uniform());
  }
};

// Records a text attribute; measured, so the engine adds host and cpu.
class MeasuredProbe final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {ParamSpec::Int("x", 0, Bounds::Closed(0, 1000), "a grid value"),
            ParamSpec::Text("tag", "", "attribute name to record (empty: 'variant')")};
  }
  bool Measured() const override { return true; }
  void RunCell(const Params& p, CellContext& context) const override {
    const std::string& tag = p.String("tag");
    context.Attribute(tag.empty() ? "variant" : tag, p.Int("x") % 2 ? "odd, \"quoted\"" : "even");
    context.Record("seconds", 0, static_cast<double>(SecondsSinceStart()));
  }
  static double SecondsSinceStart() {
    static const auto start = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

class ExclusiveProbe final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {ParamSpec::Int("x", 0, Bounds::Closed(0, 1000), "a grid value")};
  }
  bool Exclusive() const override { return true; }
  void RunCell(const Params&, CellContext& context) const override {
    context.Record("threads", 0, context.threads());
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(ProbeExperiment, "test_probe", "engine test: records random draws")
EXPERTLAB_REGISTER_EXPERIMENT(DataProbe, "test_data_probe", "engine test: data streams")
EXPERTLAB_REGISTER_EXPERIMENT(MeasuredProbe, "test_measured", "engine test: a measured experiment")
EXPERTLAB_REGISTER_EXPERIMENT(ExclusiveProbe, "test_exclusive", "engine test: exclusive experiment")

namespace {

std::filesystem::path Fresh(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("expertlab_exec_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

RunRequest Request(const std::string& experiment, const std::string& out,
                   std::vector<std::string> assignments) {
  RunRequest r;
  r.experiment = experiment;
  r.config_file = "/dev/null";  // defaults + assignments only
  r.assignments = std::move(assignments);
  r.out_dir = out;
  r.quiet = true;
  return r;
}

std::string RunAndExport(const std::string& experiment, const std::string& name, int threads,
                         std::vector<std::string> assignments) {
  RunRequest r = Request(experiment, Fresh(name).string(), assignments);
  r.threads = threads;
  RunLocal(r, PlanSweep(r));
  return FileText(std::filesystem::path(r.out_dir) / (experiment + ".csv"));
}

TEST_CASE("1 vs 2 threads give byte-identical CSV", "[determinism]") {
  const std::vector<std::string> grid = {"x=0,1,2,3,4,5,6,7,8,9", "reps=7"};
  const std::string one = RunAndExport("test_probe", "t1", 1, grid);
  const std::string two = RunAndExport("test_probe", "t2", 2, grid);
  CHECK(one == two);
  CHECK(std::count(one.begin(), one.end(), '\n') == 1 + 10 * 7 * 4);

  const std::vector<std::string> hedge = {"n=2,16", "T=64,256", "learner=hedge,ftl", "reps=3"};
  CHECK(RunAndExport("hedge_regret", "h1", 1, hedge) ==
        RunAndExport("hedge_regret", "h2", 2, hedge));
}

TEST_CASE("1 shard vs 3 shards merged give byte-identical CSV", "[determinism]") {
  const std::vector<std::string> grid = {"n=2,16", "T=64,256", "learner=hedge,ftl", "reps=3"};
  const std::string whole = RunAndExport("hedge_regret", "s1", 2, grid);
  const auto dir = Fresh("s3");
  for (int i = 0; i < 3; ++i) {
    RunRequest r = Request("hedge_regret", dir.string(), grid);
    r.shard = std::to_string(i) + "/3";
    RunLocal(r, PlanSweep(r));
  }
  CHECK(FileText(MergeShards(dir)) == whole);
}

TEST_CASE("a rerun resumes: stored items are skipped, not duplicated", "[unit]") {
  const auto dir = Fresh("resume");
  RunRequest r = Request("test_probe", dir.string(), {"x=0,1,2", "reps=2"});
  RunLocal(r, PlanSweep(r));
  const std::string first = FileText(dir / "test_probe.csv");
  r.assignments = {"x=0,1,2,3", "reps=2"};  // extend the grid
  RunLocal(r, PlanSweep(r));
  Store store((dir / "store.db").string());
  CHECK(StoredKeys(store).size() == 8);
  const std::string second = FileText(dir / "test_probe.csv");
  CHECK(second.substr(0, first.size()) == first);
}

TEST_CASE("a failing cell names its parameters and keeps finished items", "[unit]") {
  const auto dir = Fresh("fail");
  RunRequest r = Request("test_probe", dir.string(), {"x=0,1,2,3", "fail_at=2"});
  r.threads = 1;
  CHECK_THROWS_WITH(RunLocal(r, PlanSweep(r)),
                    Catch::Contains("cell {x=2, fail_at=2} replicate 0 failed: "
                                    "planted failure"));
  Store store((dir / "store.db").string());
  CHECK(StoredKeys(store).count({ExpandGrid(PlanSweep(r).config)[0].hash, 0}));
}

// Rows of one metric per (data, algo, size, replicate), from the CSV.
std::map<std::vector<int64_t>, std::vector<double>> Series(const std::string& csv,
                                                           const std::string& metric) {
  std::map<std::vector<int64_t>, std::vector<double>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header: experiment,data,algo,size,replicate,step,metric,value
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    if (f[6] != metric) continue;
    out[{std::stoll(f[1]), std::stoll(f[2]), std::stoll(f[3]), std::stoll(f[4])}].push_back(
        std::stod(f[7]));
  }
  return out;
}

TEST_CASE("methods in one replicate see the same data and samples nest", "[unit][determinism]") {
  const std::string csv =
      RunAndExport("test_data_probe", "crn", 2, {"data=0,1", "algo=0,1", "size=2,5", "reps=2"});
  const auto samples = Series(csv, "sample");
  const auto draws = Series(csv, "algo_draw");
  for (int64_t data : {0, 1}) {
    for (int64_t rep : {0, 1}) {
      const auto& small = samples.at({data, 0, 2, rep});
      const auto& big = samples.at({data, 0, 5, rep});
      // Two algorithms, one data set: identical draws.
      CHECK(samples.at({data, 1, 5, rep}) == big);
      // A larger sample extends the smaller one (nested samples).
      CHECK(std::equal(small.begin(), small.end(), big.begin()));
      // Algorithm streams stay keyed by the whole cell.
      CHECK(draws.at({data, 0, 5, rep}) != draws.at({data, 1, 5, rep}));
    }
    // Replicates and data sets differ.
    CHECK(samples.at({data, 0, 5, 0}) != samples.at({data, 0, 5, 1}));
  }
  CHECK(samples.at({0, 0, 5, 0}) != samples.at({1, 0, 5, 0}));
}

TEST_CASE("text attributes are stored and exported as columns", "[unit]") {
  const std::string csv = RunAndExport("test_measured", "attributes", 2, {"x=1,2"});
  std::istringstream in(csv);
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  // Attributes follow the parameters, in name order; measured experiments
  // name their machine.
  CHECK(header == "experiment,x,tag,cpu,host,variant,replicate,step,metric,value");
  CHECK(first.find(",\"odd, \"\"quoted\"\"\",0,0,seconds,") != std::string::npos);
  CHECK(second.find(",even,0,0,seconds,") != std::string::npos);
  CHECK(first.find(MachineAttributes()[1].value) != std::string::npos);
}

TEST_CASE("an attribute may not shadow a parameter or CSV column", "[unit]") {
  for (const char* name : {"x", "metric", "value"}) {
    const auto dir = Fresh(std::string("shadow_") + name);
    RunRequest r = Request("test_measured", dir.string(), {"x=1", std::string("tag=") + name});
    CHECK_THROWS_WITH(RunLocal(r, PlanSweep(r)),
                      Catch::Contains("attribute name '" + std::string(name) + "'"));
  }
}

TEST_CASE("merge keeps the first of two measurements of one item", "[unit]") {
  const auto dir = Fresh("remeasured");
  for (int i = 0; i < 2; ++i) {
    // Both shards measure every item (each runs the whole grid as "0/1"
    // under its own file name): values differ, timing being timing.
    RunRequest r = Request("test_measured", dir.string(), {"x=1,2"});
    r.shard = "0/1";
    RunLocal(r, PlanSweep(r));
    std::filesystem::rename(dir / "shards" / "shard-0-of-1.db",
                            dir / "shards" / ("copy-" + std::to_string(i) + ".db"));
  }
  const std::string csv = FileText(MergeShards(dir));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 2);
  const auto merged = Store((dir / "store.db").string()).ReadAll();
  const auto first = Store((dir / "shards" / "copy-0.db").string()).ReadAll();
  const auto second = Store((dir / "shards" / "copy-1.db").string()).ReadAll();
  REQUIRE(merged.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(merged[i].rows[0].value == first[i].rows[0].value);
    CHECK(merged[i].rows[0].value != second[i].rows[0].value);
  }
  // A deterministic experiment's differing items are a conflict instead:
  // see "merge combines shards, detects conflicts and config mismatches".
}

TEST_CASE("exclusive experiments get every thread, one item at a time", "[unit]") {
  const std::string csv = RunAndExport("test_exclusive", "excl", 2, {"x=1,2"});
  CHECK(csv.find(",threads,2\n") != std::string::npos);
  CHECK(RunAndExport("test_probe", "nonexcl", 2, {"x=1"}).find(",threads,1\n") !=
        std::string::npos);
}

}  // namespace
}  // namespace expertlab
