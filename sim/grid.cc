#include "sim/grid.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "sim/check.h"

namespace expertlab {
namespace {

nlohmann::ordered_json ToJson(const Value& value) {
  struct Visitor {
    nlohmann::ordered_json operator()(int64_t v) const { return v; }
    nlohmann::ordered_json operator()(double v) const { return v; }
    nlohmann::ordered_json operator()(bool v) const { return v; }
    nlohmann::ordered_json operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{}, value);
}

constexpr size_t kSaturated = std::numeric_limits<size_t>::max();

size_t SaturatingMultiply(size_t a, size_t b) {
  size_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? kSaturated : product;
}

std::string CountText(size_t count) {
  return count == kSaturated ? "over 1.8e19" : std::to_string(count);
}

size_t SaturatingAdd(size_t a, size_t b) {
  size_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? kSaturated : sum;
}

// Grid keys (indices into config.grid) that advance together: one key, or
// a zip group placed at its first key in declaration order.
using Axis = std::vector<size_t>;

std::vector<Axis> ProductAxes(const SweepConfig& config) {
  const auto zipped_with = [&](const std::string& a, const std::string& b) {
    return std::any_of(config.zip.begin(), config.zip.end(), [&](const auto& group) {
      return std::find(group.begin(), group.end(), a) != group.end() &&
             std::find(group.begin(), group.end(), b) != group.end();
    });
  };
  std::vector<Axis> axes;
  std::vector<bool> placed(config.grid.size(), false);
  for (size_t k = 0; k < config.grid.size(); ++k) {
    if (placed[k]) continue;
    Axis axis;
    for (size_t j = k; j < config.grid.size(); ++j) {
      if (j != k && !zipped_with(config.grid[k].first, config.grid[j].first)) continue;
      axis.push_back(j);
      placed[j] = true;
    }
    axes.push_back(std::move(axis));
  }
  return axes;
}

size_t AxisLength(const SweepConfig& config, const Axis& axis) {
  return config.grid[axis.front()].second.size();
}

// `values` holds one value per grid key, in declaration order.
Cell MakeCell(const SweepConfig& config, const std::vector<const Value*>& values) {
  std::vector<std::pair<std::string, Value>> items;
  std::string canonical = config.experiment + "\n";
  std::string data = config.experiment + "\ndata\n";
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (size_t k = 0; k < config.grid.size(); ++k) {
    const std::string& name = config.grid[k].first;
    const Value& v = *values[k];
    items.emplace_back(name, v);
    canonical += name + "=" + FormatValue(v) + "\n";
    if (std::find(config.data_keys.begin(), config.data_keys.end(), name) != config.data_keys.end())
      data += name + "=" + FormatValue(v) + "\n";
    json[name] = ToJson(v);
  }
  return {Params(std::move(items)), Fnv1a64(canonical), Fnv1a64(data), json.dump()};
}

}  // namespace

uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

size_t CellCount(const SweepConfig& config) {
  size_t product = 0;
  if (config.grid_product) {
    product = 1;
    for (const Axis& axis : ProductAxes(config))
      product = SaturatingMultiply(product, AxisLength(config, axis));
  }
  return SaturatingAdd(product, config.listed_cells.size());
}

size_t ItemCount(const SweepConfig& config) {
  return SaturatingMultiply(CellCount(config),
                            static_cast<size_t>(std::max<int64_t>(config.reps, 0)));
}

size_t ItemCountOfJson(std::string_view config_json) {
  const auto json = nlohmann::json::parse(config_json, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("grid") || !json.contains("reps"))
    return 0;
  try {
    // Only the shape counts: list lengths, zip groups, listed cells.
    SweepConfig config;
    config.reps = json.at("reps").get<int64_t>();
    for (const auto& [key, values] : json.at("grid").items())
      config.grid.emplace_back(key, std::vector<Value>(values.size()));
    config.zip = json.value("zip", std::vector<std::vector<std::string>>());
    config.listed_cells.resize(json.value("cells", nlohmann::json::array()).size());
    config.grid_product = json.value("grid_product", true);
    return ItemCount(config);
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
}

std::vector<Cell> ExpandGrid(const SweepConfig& config) {
  for (const auto& [name, values] : config.grid)
    EXPERTLAB_CHECK(!values.empty()) << "grid key '" << name << "' is empty";
  CheckZip(config, "config");
  const size_t total = CellCount(config);
  const size_t items = ItemCount(config);
  EXPERTLAB_CHECK(total <= kMaxCells)
      << "the sweep has " << CountText(total) << " cells, more than the limit of " << kMaxCells
      << " (2^" << std::countr_zero(kMaxCells) << "); split it into smaller sweeps";
  EXPERTLAB_CHECK(items <= kMaxItems)
      << "the sweep has " << CountText(items) << " items (" << total << " cells x " << config.reps
      << " replicates), more than the limit of " << kMaxItems << " (2^"
      << std::countr_zero(kMaxItems) << "); split it into smaller sweeps or use fewer replicates";
  std::vector<Cell> cells;
  cells.reserve(total);
  std::unordered_set<uint64_t> seen;
  std::vector<const Value*> values(config.grid.size());

  if (config.grid_product) {
    const std::vector<Axis> axes = ProductAxes(config);
    std::vector<size_t> index(axes.size(), 0);
    for (size_t c = config.listed_cells.size(); c < total; ++c) {
      for (size_t a = 0; a < axes.size(); ++a)
        for (size_t k : axes[a]) values[k] = &config.grid[k].second[index[a]];
      cells.push_back(MakeCell(config, values));
      EXPERTLAB_CHECK(seen.insert(cells.back().hash).second)
          << "the grid lists cell {" << cells.back().params.ToString()
          << "} twice; remove the repeated value";
      // Odometer increment, last axis fastest.
      for (size_t a = axes.size(); a-- > 0;) {
        if (++index[a] < AxisLength(config, axes[a])) break;
        index[a] = 0;
      }
    }
  }

  for (size_t i = 0; i < config.listed_cells.size(); ++i) {
    const auto& listed = config.listed_cells[i];
    const std::string entry = "[[cells]] entry " + std::to_string(i + 1);
    for (size_t k = 0; k < config.grid.size(); ++k) {
      const auto& [name, grid_values] = config.grid[k];
      const auto given = std::find_if(listed.begin(), listed.end(),
                                      [&](const auto& item) { return item.first == name; });
      if (given != listed.end()) {
        values[k] = &given->second;
        continue;
      }
      EXPERTLAB_CHECK(grid_values.size() == 1)
          << entry << " does not give '" << name << "', and the grid lists " << grid_values.size()
          << " values for it; give '" << name << "' in the entry";
      values[k] = &grid_values.front();
    }
    cells.push_back(MakeCell(config, values));
    EXPERTLAB_CHECK(seen.insert(cells.back().hash).second)
        << entry << " repeats cell {" << cells.back().params.ToString()
        << "}, already in the sweep; remove one of them";
  }
  return cells;
}

std::vector<WorkItem> AllWorkItems(const std::vector<Cell>& cells, int64_t reps) {
  std::vector<WorkItem> items;
  items.reserve(cells.size() * static_cast<size_t>(reps));
  for (size_t c = 0; c < cells.size(); ++c)
    for (int64_t r = 0; r < reps; ++r) items.push_back({c, r});
  return items;
}

}  // namespace expertlab
