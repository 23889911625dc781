// Expands a SweepConfig into cells and (cell, replicate) work items.
//
// Cells are the product of the grid lists, the first parameter varying
// slowest, where a zip group is one axis at the position of its first key
// (in declaration order), its keys advancing together; then the config's
// listed cells ([[cells]]) in file order. A cell's identity is a 64-bit hash
// of the experiment name and its canonical parameter text, so the same cell
// gets the same hash (and random streams) in every sweep, on every machine,
// however it was listed and whatever else the sweep holds. A cell's data
// hash covers only the config's data keys, so cells that differ in other
// keys (the algorithm) share their data streams.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

// Limits of one sweep, checked (on counts, with overflow-safe arithmetic)
// before anything is allocated. Every process of a sweep (each shard, each
// MPI rank) plans all of it: about 1 KB per cell (measured: 2^20 cells of
// hedge_regret take 0.9 GB and 8 s to plan) and 16 bytes per item, plus a
// set entry per stored item on resume.
inline constexpr size_t kMaxCells = size_t{1} << 20;
inline constexpr size_t kMaxItems = size_t{1} << 24;

// Every cell, in canonical order; Error for a sweep beyond the limits, a
// cell listed twice, or a listed cell that leaves out a key the grid gives
// several values.
std::vector<Cell> ExpandGrid(const SweepConfig& config);

// The number of cells and of (cell, replicate) items, counted without
// expanding anything; both saturate at SIZE_MAX instead of overflowing.
size_t CellCount(const SweepConfig& config);
size_t ItemCount(const SweepConfig& config);
// ItemCount of a config as recorded by SweepConfig::ToJson; 0 if unreadable.
size_t ItemCountOfJson(std::string_view config_json);

// Every (cell, replicate) in canonical order: cell-major, then replicate.
std::vector<WorkItem> AllWorkItems(const std::vector<Cell>& cells, int64_t reps);

uint64_t Fnv1a64(std::string_view text);

}  // namespace expertlab
