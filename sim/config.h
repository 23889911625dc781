// A sweep's configuration: experiment, root seed, replicates and its cells.
//
// Sources, later ones winning: the experiment's defaults, a TOML file (the
// embedded quick/full config or --config FILE), then key=value overrides
// from the command line (`n=64,256` gives a list). Everything is validated
// against the experiment's ParamSpecs before any cell runs.
//
//   seed = 1
//   reps = 8
//   data_keys = ["n", "instance"]   # optional: keys that define the data
//   zip = [["E", "f"]]              # optional: lists that advance together
//   [grid]
//   n = [2, 16, 128]
//   learner = ["hedge(eta=auto)", "ftl"]
//   [[cells]]                       # optional: cells listed one by one
//   n = 4
//   learner = "ftl"
//
// The cells are the grid's product (zipped keys count as one axis), then
// the listed cells in file order; a listed cell takes the grid's value for
// every key it does not give, which must then be a single value. A config
// with [[cells]] and no [grid] table runs only the listed cells. A command
// line list is always crossed: overriding a zipped key takes it out of its
// group, and overrides change the grid, never a key a listed cell gives.
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
  // Groups of two or more grid keys whose lists have one length and advance
  // together; a key belongs to one group at most.
  std::vector<std::vector<std::string>> zip;
  // Whether the grid's product is part of the sweep (false: only the listed
  // cells run, and the grid gives the keys they do not give).
  bool grid_product = true;
  // Cells listed one by one, each with the keys it gives, in declaration
  // order.
  std::vector<std::vector<std::pair<std::string, Value>>> listed_cells;
  // Grid keys that key the data streams (Experiment::DataKeys by default).
  std::vector<std::string> data_keys;

  // Canonical JSON (stable key order): recorded in the store, compared by
  // merge, and part of nothing else. "zip", "cells" and "grid_product"
  // appear only when they differ from a plain product, so a Cartesian
  // config's JSON is what it was before they existed.
  std::string ToJson() const;
};

// Upper bound of --reps and reps=.
inline constexpr int64_t kMaxReps = int64_t{1} << 20;

// A replicate count (--reps, reps=): an integer in [1, kMaxReps]; `source`
// names where it came from in messages.
int64_t ParseReps(std::string_view text, std::string_view source);

// Defaults only: one value per parameter.
SweepConfig DefaultConfig(std::string_view experiment);

// Applies a TOML document; `source` names it in messages.
void ApplyToml(SweepConfig& config, std::string_view toml_text, std::string_view source);

// Applies `key=value` or `key=a,b,c` (also seed=, reps=).
void ApplyOverride(SweepConfig& config, std::string_view assignment);

// Error if two assignments set one key: `n=16,32 n=64` would otherwise
// run n=64 alone, dropping the first list without a word.
void CheckOverrideKeys(const std::vector<std::string>& assignments);

// Every zip group names grid keys (each in one group) with lists of one
// length; `source` names the config in messages.
void CheckZip(const SweepConfig& config, std::string_view source);

// The embedded experiments/configs/<name>.<variant>.toml text; variant is
// "quick" or "full". Error if absent.
std::string_view EmbeddedConfig(std::string_view experiment, std::string_view variant);

// The whole file; Error naming `what` and the path if it is missing,
// unreadable or a directory.
std::string ReadTextFile(const std::string& path, std::string_view what);

}  // namespace expertlab
