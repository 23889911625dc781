// A sweep's configuration: experiment, root seed, replicates and the grid.
//
// Sources, later ones winning: the experiment's defaults, a TOML file (the
// embedded quick/full config or --config FILE), then key=value overrides
// from the command line (`n=64,256` gives a list). Everything is validated
// against the experiment's ParamSpecs before any cell runs.
//
//   seed = 1
//   reps = 8
//   data_keys = ["n", "instance"]   # optional: keys that define the data
//   [grid]
//   n = [2, 16, 128]
//   learner = ["hedge(eta=auto)", "ftl"]
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/params.h"

namespace expertlab {

struct SweepConfig {
  std::string experiment;
  uint64_t seed = 1;
  int64_t reps = 1;
  // One entry per experiment parameter, in declaration order.
  std::vector<std::pair<std::string, std::vector<Value>>> grid;
  // Grid keys that key the data streams (Experiment::DataKeys by default).
  std::vector<std::string> data_keys;

  // Canonical JSON (stable key order): recorded in the store, compared by
  // merge, and part of nothing else.
  std::string ToJson() const;
};

// Defaults only: one value per parameter.
SweepConfig DefaultConfig(std::string_view experiment);

// Applies a TOML document; `source` names it in messages.
void ApplyToml(SweepConfig& config, std::string_view toml_text, std::string_view source);

// Applies `key=value` or `key=a,b,c` (also seed=, reps=).
void ApplyOverride(SweepConfig& config, std::string_view assignment);

// The embedded experiments/configs/<name>.<variant>.toml text; variant is
// "quick" or "full". Error if absent.
std::string_view EmbeddedConfig(std::string_view experiment, std::string_view variant);

std::string ReadTextFile(const std::string& path, std::string_view what);

}  // namespace expertlab
