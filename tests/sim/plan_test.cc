// Every registered experiment's embedded quick and full configs plan: the
// TOML parses, the grid expands, every cell passes the experiment's own
// cross-key checks. A broken config fails here, not on a user's machine.
#include <catch2/catch.hpp>

#include "sim/config.h"
#include "sim/experiment.h"
#include "sim/grid.h"

namespace expertlab {
namespace {

TEST_CASE("every experiment's quick and full configs plan", "[unit]") {
  int planned = 0;
  for (const auto& entry : Registry<Experiment>::Instance().Describe()) {
    if (entry.name.rfind("test_", 0) == 0) continue;  // engine tests' own experiments
    const auto experiment = FindExperiment(entry.name).factory(Params());
    for (const char* variant : {"quick", "full"}) {
      INFO(entry.name << " " << variant);
      SweepConfig config = DefaultConfig(entry.name);
      ApplyToml(config, EmbeddedConfig(entry.name, variant), std::string(variant) + ".toml");
      const std::vector<Cell> cells = ExpandGrid(config);
      CHECK(!cells.empty());
      CHECK(ItemCount(config) == cells.size() * static_cast<size_t>(config.reps));
      for (const Cell& cell : cells) experiment->CheckCell(cell.params);
      ++planned;
    }
  }
  CHECK(planned >= 2 * 7);  // the seven experiments of the first round, at least
}

}  // namespace
}  // namespace expertlab
