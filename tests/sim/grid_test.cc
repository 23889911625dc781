// Explicit cell lists: zipped keys and [[cells]] beside the Cartesian grid.
#include "sim/grid.h"

#include <catch2/catch.hpp>
#include <functional>
#include <limits>

#include "sim/check.h"
#include "sim/config.h"
#include "tests/sim/error_of.h"

namespace expertlab {
namespace {

SweepConfig FromToml(const std::string& toml) {
  SweepConfig c = DefaultConfig("hedge_regret");
  ApplyToml(c, toml, "t.toml");
  return c;
}

// "key=first,...,last" for a run of integers. (Appended piecewise: GCC 12
// warns falsely on `text += "," + std::to_string(i)`.)
std::string IntList(const std::string& key, int first, int last) {
  std::string text = key + "=" + std::to_string(first);
  for (int i = first + 1; i <= last; ++i) text.append(",").append(std::to_string(i));
  return text;
}

// The one cell a Cartesian config of single values gives.
Cell CartesianCell(const Cell& cell, const std::vector<std::string>& data_keys) {
  SweepConfig c = DefaultConfig("hedge_regret");
  c.data_keys = data_keys;
  for (const auto& [name, value] : cell.params.Items())
    ApplyOverride(c, name + "=" + FormatValue(value));
  const auto cells = ExpandGrid(c);
  REQUIRE(cells.size() == 1);
  return cells[0];
}

// Hash, data hash and stored JSON: what makes stored results findable.
void CheckSameAsCartesian(const std::vector<Cell>& cells,
                          const std::vector<std::string>& data_keys) {
  for (const Cell& cell : cells) {
    INFO(cell.params.ToString());
    const Cell cartesian = CartesianCell(cell, data_keys);
    CHECK(cell.hash == cartesian.hash);
    CHECK(cell.data_hash == cartesian.data_hash);
    CHECK(cell.params_json == cartesian.params_json);
  }
}

std::vector<std::string> Texts(const std::vector<Cell>& cells) {
  std::vector<std::string> out;
  for (const Cell& cell : cells) out.push_back(cell.params.ToString());
  return out;
}

constexpr const char* kZipped =
    "data_keys = [\"instance\", \"n\"]\n"
    "zip = [[\"T\", \"n\"]]\n"
    "[grid]\n"
    "learner = [\"hedge\", \"ftl\"]\n"
    "n = [2, 16]\n"
    "T = [64, 128]\n";

TEST_CASE("zipped keys advance together at their first key's position", "[unit]") {
  const SweepConfig c = FromToml(kZipped);
  const auto cells = ExpandGrid(c);
  REQUIRE(cells.size() == 4);  // 2 learners x 2 (n, T) pairs, not 2 x 2 x 2
  const std::string rest = ", per_octave=2";
  CHECK(Texts(cells) ==
        std::vector<std::string>{"learner=hedge, instance=planted_bernoulli, n=2, T=64" + rest,
                                 "learner=hedge, instance=planted_bernoulli, n=16, T=128" + rest,
                                 "learner=ftl, instance=planted_bernoulli, n=2, T=64" + rest,
                                 "learner=ftl, instance=planted_bernoulli, n=16, T=128" + rest});
  CheckSameAsCartesian(cells, c.data_keys);
  // Common random numbers: the learner is not a data key.
  CHECK(cells[0].data_hash == cells[2].data_hash);
  CHECK(cells[0].data_hash != cells[1].data_hash);
  CHECK(CellCount(c) == 4);
}

TEST_CASE("listed cells follow the product and take the grid's single values", "[unit]") {
  const SweepConfig c = FromToml(std::string(kZipped) +
                                 "[[cells]]\nlearner = \"hedge\"\nn = 4\nT = 32\n"
                                 "[[cells]]\nT = 8\nn = 8\nlearner = \"ftl\"\nper_octave = 4\n");
  const auto cells = ExpandGrid(c);
  REQUIRE(cells.size() == 6);
  CHECK(cells[4].params.ToString() ==
        "learner=hedge, instance=planted_bernoulli, n=4, T=32, per_octave=2");
  CHECK(cells[5].params.ToString() ==
        "learner=ftl, instance=planted_bernoulli, n=8, T=8, per_octave=4");
  CheckSameAsCartesian(cells, c.data_keys);
  CHECK(CellCount(c) == 6);
}

TEST_CASE("a config with listed cells and no grid table runs only the listed cells", "[unit]") {
  SweepConfig c = FromToml("[[cells]]\nn = 4\n[[cells]]\nn = 8\nlearner = \"ftl\"\n");
  CHECK_FALSE(c.grid_product);
  auto cells = ExpandGrid(c);
  REQUIRE(cells.size() == 2);
  CHECK(cells[0].params.Int("n") == 4);
  CHECK(cells[0].params.String("learner") == "hedge");  // the default
  CheckSameAsCartesian(cells, c.data_keys);
  // The command line sets the keys the entries leave out.
  ApplyOverride(c, "T=256");
  cells = ExpandGrid(c);
  CHECK(cells[1].params.Int("T") == 256);
  ApplyOverride(c, "T=256,512");
  CHECK(ErrorOf([&] { ExpandGrid(c); }) ==
        "[[cells]] entry 1 does not give 'T', and the grid lists 2 values for it; give 'T' in the "
        "entry");
}

TEST_CASE("a command-line list of a zipped key is crossed with the rest", "[unit]") {
  SweepConfig c = FromToml(kZipped);
  ApplyOverride(c, "learner=hedge");
  CHECK(c.zip == std::vector<std::vector<std::string>>{{"T", "n"}});
  CHECK(ExpandGrid(c).size() == 2);
  ApplyOverride(c, "n=2,4");  // n leaves the group; T alone is no group
  CHECK(c.zip.empty());
  CHECK(ExpandGrid(c).size() == 4);
}

TEST_CASE("zip and listed-cell errors name the keys and what was expected", "[unit]") {
  const auto error = [](const std::string& toml) { return ErrorOf([&] { FromToml(toml); }); };
  CHECK(error("zip = [[\"n\", \"T\"]]\n[grid]\nn = [2, 4]\nT = [8, 16, 32]\n") ==
        "t.toml: zip group [n, T] needs lists of one length; n has 2, T has 3 values");
  CHECK(error("zip = [[\"n\", \"N\"]]\n") ==
        "t.toml: zip key 'N' is not a grid key of experiment 'hedge_regret'; expected one of "
        "{learner, instance, n, T, per_octave}");
  CHECK(error("zip = [[\"n\", \"T\"], [\"T\", \"learner\"]]\n") ==
        "t.toml: zip key 'T' is listed twice; a key zips in one group only");
  CHECK(error("zip = [[\"n\"]]\n") ==
        "t.toml: zip group [n] has one key; a group zips two or more grid keys");
  CHECK(error("zip = [\"n\", \"T\"]\n") ==
        "t.toml: 'zip': expected a list of key lists, e.g. zip = [[\"E\", \"f\"]]");
  CHECK(error("[grid]\nzip = [[\"n\", \"T\"]]\n") ==
        "t.toml: grid: 'zip' belongs at the top level, before [grid]: zip = [[\"E\", \"f\"]]");
  CHECK(error("[[cells]]\nn = 4\nm = 2\n") ==
        "t.toml: [[cells]] entry 1: unknown key 'm' for experiment 'hedge_regret'; expected one "
        "of {learner, instance, n, T, per_octave}");
  CHECK(error("[[cells]]\nn = [4, 8]\n") ==
        "t.toml: [[cells]] entry 1: 'n' must be one value; list each cell in its own [[cells]]");
  CHECK(error("[[cells]]\nn = 1\n").find("bad value '1' for 'n': out of range") !=
        std::string::npos);
  CHECK(error("cells = 3\n") ==
        "t.toml: 'cells': expected [[cells]] tables of grid keys and values");
}

TEST_CASE("a cell listed twice is an error", "[unit]") {
  // The same cell from the product and from [[cells]] ...
  SweepConfig c = FromToml("[grid]\nn = [2, 4]\n[[cells]]\nn = 4\n");
  CHECK(ErrorOf([&] { ExpandGrid(c); }) ==
        "[[cells]] entry 1 repeats cell {learner=hedge, instance=planted_bernoulli, n=4, T=4096, "
        "per_octave=2}, already in the sweep; remove one of them");
  // ... twice from [[cells]] ...
  c = FromToml("[[cells]]\nn = 4\n[[cells]]\nn = 8\n[[cells]]\nn = 4\n");
  CHECK(ErrorOf([&] { ExpandGrid(c); }).rfind("[[cells]] entry 3 repeats cell {", 0) == 0);
  // ... or twice in a zip.
  c = FromToml("zip = [[\"n\", \"T\"]]\n[grid]\nn = [2, 2]\nT = [8, 8]\n");
  CHECK(ErrorOf([&] { ExpandGrid(c); }).find("twice") != std::string::npos);
}

TEST_CASE("the recorded config describes zip and listed cells", "[unit]") {
  // A Cartesian config's JSON is unchanged (merge compares it across binaries).
  SweepConfig plain = DefaultConfig("hedge_regret");
  ApplyOverride(plain, "n=2,16");
  CHECK(plain.ToJson() ==
        "{\"experiment\":\"hedge_regret\",\"seed\":1,\"reps\":1,\"grid\":{\"learner\":[\"hedge\"],"
        "\"instance\":[\"planted_bernoulli\"],\"n\":[\"2\",\"16\"],\"T\":[\"4096\"],\"per_octave\":"
        "[\"2\"]},\"data_keys\":[\"instance\",\"n\",\"T\"]}");
  const SweepConfig c = FromToml(
      "reps = 3\nzip = [[\"n\", \"T\"]]\n[grid]\nn = [2, 4]\nT = [8, 16]\n"
      "[[cells]]\nn = 8\nT = 32\n");
  CHECK(c.ToJson() ==
        "{\"experiment\":\"hedge_regret\",\"seed\":1,\"reps\":3,\"grid\":{\"learner\":[\"hedge\"],"
        "\"instance\":[\"planted_bernoulli\"],\"n\":[\"2\",\"4\"],\"T\":[\"8\",\"16\"],"
        "\"per_octave\":[\"2\"]},\"zip\":[[\"n\",\"T\"]],\"cells\":[{\"n\":\"8\",\"T\":\"32\"}],"
        "\"data_keys\":[\"instance\",\"n\",\"T\"]}");
  const SweepConfig listed = FromToml("[[cells]]\nn = 8\n");
  CHECK(listed.ToJson().find("\"grid_product\":false") != std::string::npos);
}

TEST_CASE("item counts come from the config without expanding it", "[unit]") {
  for (const std::string& toml :
       {std::string("reps = 3\n[grid]\nn = [2, 4, 8]\nlearner = [\"hedge\", \"ftl\"]\n"),
        std::string("reps = 2\n") + kZipped,
        std::string(kZipped) + "[[cells]]\nn = 4\nT = 32\nlearner = \"ftl\"\n",
        std::string("reps = 5\n[[cells]]\nn = 4\n[[cells]]\nn = 8\n")}) {
    INFO(toml);
    const SweepConfig c = FromToml(toml);
    const size_t items = ExpandGrid(c).size() * static_cast<size_t>(c.reps);
    CHECK(ItemCount(c) == items);
    CHECK(ItemCountOfJson(c.ToJson()) == items);
  }
  CHECK(ItemCountOfJson("not json") == 0);
  // Overflow saturates instead of wrapping to a small number.
  SweepConfig huge = DefaultConfig("hedge_regret");
  for (auto& [name, values] : huge.grid) values.assign(size_t{1} << 16, values.front());
  CHECK(CellCount(huge) == std::numeric_limits<size_t>::max());
}

TEST_CASE("a sweep's size is checked before anything is expanded", "[unit]") {
  SweepConfig c = DefaultConfig("hedge_regret");
  ApplyOverride(c, IntList("n", 2, 129));  // 128 cells
  ApplyOverride(c, "reps=1048576");
  CHECK(ErrorOf([&] { ExpandGrid(c); }) ==
        "the sweep has 134217728 items (128 cells x 1048576 replicates), more than the limit of "
        "16777216 (2^24); split it into smaller sweeps or use fewer replicates");
  ApplyOverride(c, "reps=131072");  // 2^24 items exactly
  CHECK(ExpandGrid(c).size() == 128);

  // 1025 x 1024 cells, one more block of 1024 than the limit.
  ApplyOverride(c, IntList("T", 1, 1024));
  ApplyOverride(c, IntList("n", 2, 1026));
  ApplyOverride(c, "reps=1");
  CHECK(ErrorOf([&] { ExpandGrid(c); }) ==
        "the sweep has 1049600 cells, more than the limit of 1048576 (2^20); split it into "
        "smaller sweeps");

  // A product past 2^64 is reported, not wrapped around to a small number.
  for (auto& [name, values] : c.grid) values.assign(size_t{1} << 16, values.front());
  CHECK(ErrorOf([&] { ExpandGrid(c); }) ==
        "the sweep has over 1.8e19 cells, more than the limit of 1048576 (2^20); split it into "
        "smaller sweeps");
}

TEST_CASE("the full moe_kernels config pairs E with f", "[unit]") {
  SweepConfig c = DefaultConfig("moe_kernels");
  ApplyToml(c, EmbeddedConfig("moe_kernels", "full"), "moe_kernels.full.toml");
  const auto cells = ExpandGrid(c);
  CHECK(cells.size() == 32);  // 8 T x 2 (E, f) x 2 k
  for (const Cell& cell : cells)
    CHECK(cell.params.Int("f") == (cell.params.Int("E") == 8 ? 4096 : 2816));
}

}  // namespace
}  // namespace expertlab
