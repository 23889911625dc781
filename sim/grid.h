// Expands a SweepConfig into cells and (cell, replicate) work items.
//
// Cells are the cartesian product of the grid lists, the first parameter
// varying slowest. A cell's identity is a 64-bit hash of the experiment name
// and its canonical parameter text, so the same cell gets the same hash (and
// random streams) in every sweep, on every machine, whatever else the grid
// holds. A cell's data hash covers only the config's data keys, so cells
// that differ in other keys (the algorithm) share their data streams.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config.h"
#include "sim/params.h"

namespace expertlab {

struct Cell {
  Params params;
  uint64_t hash = 0;
  uint64_t data_hash = 0;   // the data keys' values only (CellContext::DataStream)
  std::string params_json;  // ordered object, as stored and exported
};

struct WorkItem {
  size_t cell;
  int64_t replicate;
};

std::vector<Cell> ExpandGrid(const SweepConfig& config);

// Every (cell, replicate) in canonical order: cell-major, then replicate.
std::vector<WorkItem> AllWorkItems(const std::vector<Cell>& cells, int64_t reps);

uint64_t Fnv1a64(std::string_view text);

}  // namespace expertlab
