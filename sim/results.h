// Combining shard stores and exporting tidy CSV.
#pragma once

#include <filesystem>

namespace expertlab {

// Merges every store under <dir>/shards/ into <dir>/store.db. All shards
// must come from the same sweep config; an item stored twice must hold the
// same rows. Any conflict is an Error raised before anything is written.
// Then exports the CSV. Returns its path.
std::filesystem::path MergeShards(const std::filesystem::path& dir);

// Writes <dir>/<experiment>.csv from <dir>/store.db: columns experiment,
// <params...>, replicate, step, metric, value; rows sorted by parameter
// values, replicate and recorded order, so the file is a pure function of
// the stored results. Returns its path.
std::filesystem::path ExportCsv(const std::filesystem::path& dir);

}  // namespace expertlab
