#include "sim/grid.h"

#include <algorithm>
#include <nlohmann/json.hpp>

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

}  // namespace

uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::vector<Cell> ExpandGrid(const SweepConfig& config) {
  size_t total = 1;
  for (const auto& [name, values] : config.grid) {
    EXPERTLAB_CHECK(!values.empty()) << "grid key '" << name << "' is empty";
    total *= values.size();
    EXPERTLAB_CHECK(total <= (size_t{1} << 26)) << "grid has more than 2^26 cells; split the sweep";
  }
  std::vector<Cell> cells;
  cells.reserve(total);
  std::vector<size_t> index(config.grid.size(), 0);
  for (size_t c = 0; c < total; ++c) {
    std::vector<std::pair<std::string, Value>> items;
    std::string canonical = config.experiment + "\n";
    std::string data = config.experiment + "\ndata\n";
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (size_t k = 0; k < config.grid.size(); ++k) {
      const auto& [name, values] = config.grid[k];
      const Value& v = values[index[k]];
      items.emplace_back(name, v);
      canonical += name + "=" + FormatValue(v) + "\n";
      if (std::find(config.data_keys.begin(), config.data_keys.end(), name) !=
          config.data_keys.end())
        data += name + "=" + FormatValue(v) + "\n";
      json[name] = ToJson(v);
    }
    cells.push_back({Params(std::move(items)), Fnv1a64(canonical), Fnv1a64(data), json.dump()});
    // Odometer increment, last key fastest.
    for (size_t k = config.grid.size(); k-- > 0;) {
      if (++index[k] < config.grid[k].second.size()) break;
      index[k] = 0;
    }
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
