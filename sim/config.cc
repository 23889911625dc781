#include "sim/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/check.h"
#include "sim/experiment.h"

namespace expertlab {
namespace {

std::vector<std::string> GridKeys(const SweepConfig& config) {
  std::vector<std::string> keys;
  for (const auto& [name, values] : config.grid) keys.push_back(name);
  return keys;
}

const std::vector<Value>* FindSlot(const SweepConfig& config, std::string_view key) {
  for (const auto& [name, values] : config.grid)
    if (name == key) return &values;
  return nullptr;
}

// `run_keys`: seed and reps are valid here too (command-line overrides).
const ParamSpec& SpecFor(const SweepConfig& config, std::string_view key, std::string_view source,
                         bool run_keys) {
  const auto& entry = FindExperiment(config.experiment);
  for (const auto& spec : entry.params)
    if (spec.name == key) return spec;
  std::vector<std::string> names = GridKeys(config);
  if (run_keys) names.insert(names.begin(), {"seed", "reps"});
  throw Error(std::string(source) + ": unknown key '" + std::string(key) + "' for experiment '" +
              config.experiment + "'; expected one of {" + JoinWithCommas(names) + "}");
}

std::vector<Value>& GridSlot(SweepConfig& config, std::string_view key) {
  for (auto& [name, values] : config.grid)
    if (name == key) return values;
  throw Error("internal: grid has no slot '" + std::string(key) + "'");
}

Value FromToml(const toml::node& node, std::string_view where) {
  if (auto v = node.value_exact<int64_t>()) return *v;
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<bool>()) return *v;
  if (auto v = node.value_exact<std::string>()) return *v;
  throw Error(std::string(where) + ": expected a number, bool or string (or a list of them)");
}

int64_t ParsePositive(std::string_view key, std::string_view text, std::string_view source,
                      int64_t max) {
  ParamSpec spec = ParamSpec::Int(
      std::string(key), 1, Bounds::Closed(key == "seed" ? 0 : 1, static_cast<double>(max)), "");
  return std::get<int64_t>(spec.Parse(text, source));
}

// Every data key must name a grid key, once.
void CheckDataKeys(const SweepConfig& config, std::string_view source) {
  for (size_t i = 0; i < config.data_keys.size(); ++i) {
    const std::string& key = config.data_keys[i];
    EXPERTLAB_CHECK(FindSlot(config, key))
        << source << ": data key '" << key << "' is not a grid key of experiment '"
        << config.experiment << "'; expected one of {" << JoinWithCommas(GridKeys(config)) << "}";
    for (size_t j = 0; j < i; ++j)
      EXPERTLAB_CHECK(config.data_keys[j] != key)
          << source << ": data key '" << key << "' is listed twice";
  }
}

// zip = [["E", "f"], ...]: a list of lists of key names.
std::vector<std::vector<std::string>> ParseZip(const toml::node& node, std::string_view where) {
  const char* expected = ": expected a list of key lists, e.g. zip = [[\"E\", \"f\"]]";
  const toml::array* groups = node.as_array();
  EXPERTLAB_CHECK(groups) << where << expected;
  std::vector<std::vector<std::string>> zip;
  for (const auto& group_node : *groups) {
    const toml::array* group = group_node.as_array();
    EXPERTLAB_CHECK(group) << where << expected;
    zip.emplace_back();
    for (const auto& item : *group) {
      auto name = item.value_exact<std::string>();
      EXPERTLAB_CHECK(name) << where << expected;
      zip.back().push_back(*name);
    }
  }
  return zip;
}

// One [[cells]] entry: one value per key it gives, in declaration order.
std::vector<std::pair<std::string, Value>> ParseListedCell(const SweepConfig& config,
                                                           const toml::node& node,
                                                           std::string_view where) {
  const toml::table* table = node.as_table();
  EXPERTLAB_CHECK(table) << where << ": expected a table of grid keys and values";
  for (const auto& [key_node, value] : *table) {
    const std::string key(key_node.str());
    SpecFor(config, key, where, false);
    EXPERTLAB_CHECK(!value.is_array())
        << where << ": '" << key << "' must be one value; list each cell in its own [[cells]]";
  }
  std::vector<std::pair<std::string, Value>> cell;
  for (const auto& spec : FindExperiment(config.experiment).params)
    if (const toml::node* value = table->get(spec.name))
      cell.emplace_back(spec.name,
                        spec.Coerce(FromToml(*value, std::string(where) + "." + spec.name), where));
  return cell;
}

constexpr int64_t kMaxSeed = (int64_t{1} << 53);

// "key=value" -> trimmed key and the raw value text.
std::pair<std::string, std::string> SplitAssignment(std::string_view assignment) {
  const size_t eq = assignment.find('=');
  EXPERTLAB_CHECK(eq != std::string_view::npos && eq > 0)
      << "bad argument '" << assignment << "': expected key=value or key=a,b,c";
  return {Trim(assignment.substr(0, eq)), std::string(assignment.substr(eq + 1))};
}

}  // namespace

int64_t ParseReps(std::string_view text, std::string_view source) {
  return ParsePositive("reps", text, source, kMaxReps);
}

std::string SweepConfig::ToJson() const {
  nlohmann::ordered_json json;
  json["experiment"] = experiment;
  json["seed"] = seed;
  json["reps"] = reps;
  nlohmann::ordered_json grid_json = nlohmann::ordered_json::object();
  for (const auto& [name, values] : grid) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& v : values) list.push_back(FormatValue(v));
    grid_json[name] = list;
  }
  json["grid"] = grid_json;
  if (!zip.empty()) json["zip"] = zip;
  if (!listed_cells.empty()) {
    auto cells_json = nlohmann::ordered_json::array();
    for (const auto& cell : listed_cells) {
      nlohmann::ordered_json cell_json = nlohmann::ordered_json::object();
      for (const auto& [name, value] : cell) cell_json[name] = FormatValue(value);
      cells_json.push_back(cell_json);
    }
    json["cells"] = cells_json;
  }
  if (!grid_product) json["grid_product"] = false;
  json["data_keys"] = data_keys;
  return json.dump();
}

SweepConfig DefaultConfig(std::string_view experiment) {
  const auto& entry = FindExperiment(experiment);
  SweepConfig config;
  config.experiment = entry.name;
  for (const auto& spec : entry.params)
    config.grid.emplace_back(
        spec.name,
        std::vector<Value>{spec.Coerce(spec.default_value, "experiment '" + entry.name + "'")});
  config.data_keys = entry.factory(Params())->DataKeys();
  CheckDataKeys(config, "experiment '" + entry.name + "' DataKeys()");
  return config;
}

void ApplyToml(SweepConfig& config, std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << source << ":" << e.source().begin.line << ":" << e.source().begin.column
            << ": malformed TOML: " << e.description();
    throw Error(message.str());
  }
  // toml++ iterates keys sorted: zip is checked once the grid is read.
  for (const auto& [key_node, node] : table) {
    const std::string key(key_node.str());
    const std::string where = std::string(source) + ": '" + key + "'";
    if (key == "experiment") {
      auto name = node.value_exact<std::string>();
      EXPERTLAB_CHECK(name && *name == config.experiment)
          << where << " names experiment '" << (name ? *name : "?") << "' but the run is for '"
          << config.experiment << "'";
    } else if (key == "description") {
      EXPERTLAB_CHECK(node.is_string()) << where << ": expected a string";
    } else if (key == "seed" || key == "reps") {
      auto v = node.value_exact<int64_t>();
      EXPERTLAB_CHECK(v.has_value()) << where << ": expected an integer";
      if (key == "seed")
        config.seed =
            static_cast<uint64_t>(ParsePositive(key, std::to_string(*v), source, kMaxSeed));
      else
        config.reps = ParseReps(std::to_string(*v), source);
    } else if (key == "data_keys") {
      const toml::array* list = node.as_array();
      EXPERTLAB_CHECK(list) << where << ": expected a list of grid keys";
      config.data_keys.clear();
      for (const auto& item : *list) {
        auto name = item.value_exact<std::string>();
        EXPERTLAB_CHECK(name) << where << ": expected a list of grid key names (strings)";
        config.data_keys.push_back(*name);
      }
      CheckDataKeys(config, source);
    } else if (key == "zip") {
      config.zip = ParseZip(node, where);
    } else if (key == "cells") {
      const toml::array* list = node.as_array();
      EXPERTLAB_CHECK(list && list->is_array_of_tables())
          << where << ": expected [[cells]] tables of grid keys and values";
      config.listed_cells.clear();
      for (size_t i = 0; i < list->size(); ++i)
        config.listed_cells.push_back(
            ParseListedCell(config, *list->get(i),
                            std::string(source) + ": [[cells]] entry " + std::to_string(i + 1)));
      config.grid_product = table.contains("grid");
    } else if (key == "grid") {
      const toml::table* grid = node.as_table();
      EXPERTLAB_CHECK(grid) << where << ": expected a table [grid]";
      for (const auto& [param_node, values] : *grid) {
        const std::string param(param_node.str());
        const std::string context = std::string(source) + ": grid";
        EXPERTLAB_CHECK(param != "zip" || FindSlot(config, param))
            << context << ": 'zip' belongs at the top level, before [grid]: zip = [[\"E\", \"f\"]]";
        const ParamSpec& spec = SpecFor(config, param, context, false);
        std::vector<Value> parsed;
        if (const toml::array* list = values.as_array()) {
          EXPERTLAB_CHECK(!list->empty()) << context << ": '" << param << "' is an empty list";
          for (const auto& item : *list)
            parsed.push_back(spec.Coerce(FromToml(item, context + "." + param), context));
        } else {
          parsed.push_back(spec.Coerce(FromToml(values, context + "." + param), context));
        }
        GridSlot(config, param) = std::move(parsed);
      }
    } else {
      throw Error(std::string(source) + ": unknown key '" + key +
                  "'; expected one of {experiment, description, seed, reps, "
                  "data_keys, zip, grid, cells}");
    }
  }
  CheckZip(config, source);
}

void CheckZip(const SweepConfig& config, std::string_view source) {
  std::vector<std::string> zipped;
  for (const auto& group : config.zip) {
    const std::string shown = "zip group [" + JoinWithCommas(group) + "]";
    EXPERTLAB_CHECK(group.size() >= 2)
        << source << ": " << shown << " has one key; a group zips two or more grid keys";
    std::string lengths;
    bool equal = true;
    for (const auto& key : group) {
      const std::vector<Value>* values = FindSlot(config, key);
      EXPERTLAB_CHECK(values) << source << ": zip key '" << key
                              << "' is not a grid key of experiment '" << config.experiment
                              << "'; expected one of {" << JoinWithCommas(GridKeys(config)) << "}";
      EXPERTLAB_CHECK(std::find(zipped.begin(), zipped.end(), key) == zipped.end())
          << source << ": zip key '" << key << "' is listed twice; a key zips in one group only";
      zipped.push_back(key);
      equal = equal && values->size() == FindSlot(config, group.front())->size();
      lengths += (lengths.empty() ? "" : ", ") + key + " has " + std::to_string(values->size());
    }
    EXPERTLAB_CHECK(equal) << source << ": " << shown << " needs lists of one length; " << lengths
                           << " values";
  }
}

void ApplyOverride(SweepConfig& config, std::string_view assignment) {
  const auto [key, text] = SplitAssignment(assignment);
  const std::string source = "command line";
  if (key == "seed") {
    config.seed = static_cast<uint64_t>(ParsePositive(key, text, source, kMaxSeed));
    return;
  }
  if (key == "reps") {
    config.reps = ParseReps(text, source);
    return;
  }
  const ParamSpec& spec = SpecFor(config, key, source, true);
  std::vector<Value> values;
  for (const auto& part : SplitTopLevel(text, ',')) {
    EXPERTLAB_CHECK(!part.empty()) << source << ": empty value in '" << assignment << "'";
    values.push_back(spec.Parse(part, source));
  }
  GridSlot(config, key) = std::move(values);
  // A command-line list is crossed with the rest: the key leaves its group.
  for (auto& group : config.zip) std::erase(group, key);
  std::erase_if(config.zip, [](const auto& group) { return group.size() < 2; });
}

void CheckOverrideKeys(const std::vector<std::string>& assignments) {
  for (size_t i = 0; i < assignments.size(); ++i) {
    const std::string key = SplitAssignment(assignments[i]).first;
    for (size_t j = 0; j < i; ++j)
      EXPERTLAB_CHECK(SplitAssignment(assignments[j]).first != key)
          << "command line: '" << key << "' is given twice ('" << assignments[j] << "' and '"
          << assignments[i] << "'); give it once, with a list: " << key << "=a,b,c";
  }
}

std::string ReadTextFile(const std::string& path, std::string_view what) {
  std::error_code error;
  // An ifstream opens a directory and reads it as empty.
  EXPERTLAB_CHECK(!std::filesystem::is_directory(path, error))
      << what << " '" << path << "' is a directory, expected a file";
  std::ifstream in(path, std::ios::binary);
  EXPERTLAB_CHECK(in.good()) << "cannot read " << what << " '" << path
                             << "': no such file or not readable";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace expertlab
