// Test helpers that drive an experiment through the engine the way the CLI
// does, for families' end-to-end tests: run its one-cell sweep in memory,
// or plan a quick sweep (every cell checked before anything runs).
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/config.h"
#include "sim/executor.h"
#include "sim/experiment.h"
#include "sim/grid.h"
#include "sim/sweep.h"

namespace expertlab::testing {

// The one cell that `name`'s default config with `overrides` (key=value)
// expands to, with its experiment.
struct OneCell {
  std::unique_ptr<Experiment> experiment;
  Cell cell;
};
inline OneCell OneCellOf(const std::string& name, const std::vector<std::string>& overrides) {
  SweepConfig config = DefaultConfig(name);
  for (const auto& o : overrides) ApplyOverride(config, o);
  auto cells = ExpandGrid(config);
  REQUIRE(cells.size() == 1);
  return {FindExperiment(name).factory(Params()), std::move(cells[0])};
}

// The rows of replicate 0 of that cell.
inline std::vector<MetricRow> RunOneCell(const std::string& name,
                                         const std::vector<std::string>& overrides) {
  const OneCell one = OneCellOf(name, overrides);
  return RunItem(*one.experiment, one.cell, 0, 1, {1})->rows;
}

// The --out directory of PlanQuickSweep(..., tag): never created, since
// callers expect their plans to fail before anything is written.
inline std::filesystem::path NeverWrittenDir(const std::string& tag) {
  return std::filesystem::temp_directory_path() / ("expertlab_" + tag + "_plan_never_written");
}

// Plans `name`'s quick sweep with `overrides` as `expertlab run` does.
inline void PlanQuickSweep(const std::string& name, const std::vector<std::string>& overrides,
                           const std::string& tag) {
  RunRequest request;
  request.experiment = name;
  request.quick = true;
  request.assignments = overrides;
  request.out_dir = NeverWrittenDir(tag).string();
  PlanSweep(request);
}

}  // namespace expertlab::testing
