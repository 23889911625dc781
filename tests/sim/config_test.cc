#include "sim/config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "registered_files.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/grid.h"
#include "tests/sim/error_of.h"

namespace expertlab {
namespace {

TEST_CASE("TOML and overrides build the grid", "[unit]") {
  SweepConfig c = DefaultConfig("hedge_regret");
  ApplyToml(c, "seed = 7\nreps = 3\n[grid]\nn = [2, 4]\nT = 64\n", "t.toml");
  ApplyOverride(c, "learner=hedge(eta=0.5,schedule=fixed),ftl");
  CHECK(c.seed == 7);
  CHECK(c.reps == 3);
  const auto cells = ExpandGrid(c);
  REQUIRE(cells.size() == 4);  // 2 learners x 2 n
  // First parameter varies slowest.
  CHECK(cells[0].params.String("learner") == "hedge(eta=0.5,schedule=fixed)");
  CHECK(cells[0].params.Int("n") == 2);
  CHECK(cells[1].params.Int("n") == 4);
  CHECK(cells[2].params.String("learner") == "ftl");
  CHECK(AllWorkItems(cells, c.reps).size() == 12);
}

// Stored results stay valid only while a Cartesian config's cells keep their
// hashes: these values were stored by the engine before explicit cell lists
// and data keys existed.
TEST_CASE("cell hashes of Cartesian configs are frozen", "[unit][determinism]") {
  SweepConfig c = DefaultConfig("hedge_regret");
  ApplyOverride(c, "learner=hedge,ftl");
  ApplyOverride(c, "n=2,16");
  ApplyOverride(c, "T=64");
  const auto cells = ExpandGrid(c);
  REQUIRE(cells.size() == 4);
  CHECK(static_cast<int64_t>(cells[0].hash) == 8885393981792285963);   // hedge, n=2
  CHECK(static_cast<int64_t>(cells[1].hash) == -3292571935183959150);  // hedge, n=16
  CHECK(static_cast<int64_t>(cells[2].hash) == -2149810199386521544);  // ftl, n=2
  CHECK(static_cast<int64_t>(cells[3].hash) == -957353463633548501);   // ftl, n=16
}

TEST_CASE("data keys must be grid keys", "[unit]") {
  SweepConfig c = DefaultConfig("hedge_regret");
  ApplyToml(c, "data_keys = [\"n\", \"T\"]\n", "t.toml");
  CHECK(c.data_keys == std::vector<std::string>{"n", "T"});
  CHECK(ErrorOf([&] { ApplyToml(c, "data_keys = [\"N\"]\n", "t.toml"); }) ==
        "t.toml: data key 'N' is not a grid key of experiment 'hedge_regret'; expected one of "
        "{learner, instance, n, T, per_octave}");
  CHECK(ErrorOf([&] { ApplyToml(c, "data_keys = [\"n\", \"n\"]\n", "t.toml"); }) ==
        "t.toml: data key 'n' is listed twice");
  CHECK(ErrorOf([&] { ApplyToml(c, "data_keys = \"n\"\n", "t.toml"); }) ==
        "t.toml: 'data_keys': expected a list of grid keys");
}

TEST_CASE("a cell's hash depends only on its parameters", "[unit][determinism]") {
  SweepConfig a = DefaultConfig("hedge_regret");
  ApplyOverride(a, "n=2,4,8");
  SweepConfig b = DefaultConfig("hedge_regret");
  ApplyOverride(b, "n=4");
  CHECK(ExpandGrid(a)[1].hash == ExpandGrid(b)[0].hash);
  CHECK(ExpandGrid(a)[0].hash != ExpandGrid(a)[1].hash);
}

TEST_CASE("config errors name the key and what was expected", "[unit]") {
  SweepConfig c = DefaultConfig("hedge_regret");
  CHECK(ErrorOf([&] { ApplyToml(c, "[grid]\nm = 3\n", "x.toml"); }) ==
        "x.toml: grid: unknown key 'm' for experiment 'hedge_regret'; expected "
        "one of {learner, instance, n, T, per_octave}");
  CHECK(ErrorOf([&] { ApplyToml(c, "[grid]\nn = \"many\"\n", "x.toml"); }) ==
        "x.toml: grid: bad value 'many' for 'n': expected an integer in [2, "
        "1048576]");
  CHECK(ErrorOf([&] { ApplyToml(c, "[grid]\nn = [1]\n", "x.toml"); }).find("out of range") !=
        std::string::npos);
  CHECK(ErrorOf([&] { ApplyToml(c, "[grid\nn = 3\n", "x.toml"); }).rfind("x.toml:1:", 0) == 0);
  CHECK(ErrorOf([&] { ApplyToml(c, "speed = 3\n", "x.toml"); }).find("unknown key 'speed'") !=
        std::string::npos);
  CHECK(ErrorOf([&] {
          ApplyOverride(c, "learner=hedgehog");
        }).find("unknown experts learner 'hedgehog'") != std::string::npos);
  CHECK(ErrorOf([&] { ApplyOverride(c, "learner=hedge(eta=-1)"); }).find("out of range") !=
        std::string::npos);
  CHECK(ErrorOf([&] { ApplyOverride(c, "reps=0"); }).find("reps") != std::string::npos);
  CHECK(ErrorOf([&] { ApplyOverride(c, "n"); }).find("key=value") != std::string::npos);
}

TEST_CASE("the --reps option and reps= share one bound", "[unit]") {
  SweepConfig c = DefaultConfig("hedge_regret");
  const std::string why =
      "bad value '2000000' for 'reps': out of range; expected an integer in "
      "[1, 1048576]";
  CHECK(ErrorOf([&] { ParseReps("2000000", "--reps"); }) == "--reps: " + why);
  CHECK(ErrorOf([&] { ApplyOverride(c, "reps=2000000"); }) == "command line: " + why);
  CHECK(ErrorOf([&] { ApplyToml(c, "reps = 2000000\n", "t.toml"); }) == "t.toml: " + why);
  CHECK(ParseReps("1048576", "--reps") == kMaxReps);
  CHECK(ErrorOf([&] { ParseReps("0", "--reps"); }).find("out of range") != std::string::npos);
}

TEST_CASE("a key given twice on the command line is an error", "[unit]") {
  CHECK(ErrorOf([] {
          CheckOverrideKeys({"n=16,32", "T=8", "n=64"});
        }) ==
        "command line: 'n' is given twice ('n=16,32' and 'n=64'); give it once, with a list: "
        "n=a,b,c");
  CHECK(ErrorOf([] {
          CheckOverrideKeys({"reps=2", " reps =3"});
        }).find("'reps' is given twice") != std::string::npos);
  CHECK(ErrorOf([] {
          CheckOverrideKeys({"n=16", "T=8", "learner=hedge(eta=0.1)"});
        }) == "no error");
}

TEST_CASE("a directory is not a config file", "[unit]") {
  const std::string dir = std::filesystem::temp_directory_path().string();
  CHECK(ErrorOf([&] { ReadTextFile(dir, "--config file"); }) ==
        "--config file '" + dir + "' is a directory, expected a file");
}

TEST_CASE("every experiment has quick and full configs that parse", "[unit]") {
  for (const char* name : generated::kExperimentFiles) {
    for (const char* variant : {"quick", "full"}) {
      INFO(name << " " << variant);
      SweepConfig c = DefaultConfig(name);
      ApplyToml(c, EmbeddedConfig(name, variant), variant);
      CHECK_FALSE(ExpandGrid(c).empty());
    }
  }
}

TEST_CASE("log checkpoints are sorted, unique and end at the horizon", "[unit]") {
  CHECK(LogCheckpoints(1, 2) == std::vector<int64_t>{1});
  CHECK(LogCheckpoints(8, 1) == std::vector<int64_t>{1, 2, 4, 8});
  const auto steps = LogCheckpoints(1000, 4);
  CHECK(steps.back() == 1000);
  CHECK(std::is_sorted(steps.begin(), steps.end()));
  CHECK(steps.size() < 50);
}

}  // namespace
}  // namespace expertlab
