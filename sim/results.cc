#include "sim/results.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/grid.h"
#include "sim/shard.h"
#include "sim/store.h"
#include "sim/store_lock.h"

namespace expertlab {
namespace {

bool SameRows(const ItemResult& a, const ItemResult& b) {
  if (a.rows.size() != b.rows.size()) return false;
  for (size_t i = 0; i < a.rows.size(); ++i) {
    const MetricRow& x = a.rows[i];
    const MetricRow& y = b.rows[i];
    // Compare bit patterns so that equal NaNs count as equal.
    if (x.step != y.step || x.name != y.name ||
        std::memcmp(&x.value, &y.value, sizeof(double)) != 0)
      return false;
  }
  return true;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A parameter value as it sorts: numbers numerically, then text.
struct SortKey {
  bool is_number = false;
  double number = 0;
  std::string text;
  bool operator<(const SortKey& o) const {
    if (is_number != o.is_number) return is_number;
    if (is_number && number != o.number) return number < o.number;
    return text < o.text;
  }
};

SortKey KeyOf(const nlohmann::ordered_json& v, std::string* text) {
  SortKey key;
  if (v.is_number()) {
    key.is_number = true;
    key.number = v.get<double>();
    *text = v.is_number_float() ? FormatValue(v.get<double>()) : std::to_string(v.get<int64_t>());
  } else if (v.is_boolean()) {
    *text = v.get<bool>() ? "true" : "false";
  } else if (v.is_string()) {
    *text = v.get<std::string>();
  } else {
    *text = "";
  }
  key.text = *text;
  return key;
}

// "grid.n: [2,4] vs [2,8]" for the first keys where two configs differ.
std::string ConfigDifference(const std::string& a, const std::string& b) {
  const auto ja = nlohmann::ordered_json::parse(a, nullptr, false);
  const auto jb = nlohmann::ordered_json::parse(b, nullptr, false);
  if (ja.is_discarded() || jb.is_discarded()) return a + " vs " + b;
  const auto patch = nlohmann::ordered_json::diff(ja, jb);
  std::string out;
  for (const auto& op : patch) {
    const std::string pointer = op.value("path", "");
    nlohmann::json::json_pointer ptr(pointer);
    const auto shown = [&](const nlohmann::ordered_json& j) {
      return j.contains(ptr) ? j.at(ptr).dump() : std::string("absent");
    };
    std::string key = pointer.substr(1);
    std::replace(key.begin(), key.end(), '/', '.');
    out += (out.empty() ? "" : "; ") + key + ": " + shown(ja) + " vs " + shown(jb);
  }
  return out;
}

bool IsMeasured(const std::string& experiment) {
  return Registry<Experiment>::Instance().Contains(experiment) &&
         FindExperiment(experiment).factory(Params())->Measured();
}

}  // namespace

std::filesystem::path MergeShards(const std::filesystem::path& dir) {
  const ResultsLayout layout(dir);
  const auto shard_paths = layout.ShardStores();
  EXPERTLAB_CHECK(!shard_paths.empty())
      << "no shard stores under '" << (dir / "shards").string() << "'; nothing to merge";
  const StoreLock lock(layout.MainStore(), "merge");
  std::vector<std::unique_ptr<Store>> shards;
  for (const auto& path : shard_paths) {
    shards.push_back(std::make_unique<Store>(path.string()));
    shards.back()->QuickCheck();
  }
  const Store& first = *shards.front();
  for (const auto& shard : shards) {
    for (const char* key : {"experiment", "seed"})
      EXPERTLAB_CHECK(shard->Meta(key) == first.Meta(key))
          << "cannot merge: " << shard->path() << " has " << key << " '" << shard->Meta(key)
          << "' but " << first.path() << " has '" << first.Meta(key) << "'";
    EXPERTLAB_CHECK(shard->LastConfig() == first.LastConfig())
        << "cannot merge: shards come from different sweep configs ("
        << ConfigDifference(first.LastConfig(), shard->LastConfig()) << ") in " << first.path()
        << " and " << shard->path();
  }
  const std::string experiment = first.Meta("experiment");
  const uint64_t seed = std::stoull(first.Meta("seed"));
  // Two measurements of one item differ by nature: the first one stays.
  const bool measured = IsMeasured(experiment);

  std::map<ItemKey, std::pair<ItemResult, std::string>> known;
  std::unique_ptr<Store> main;
  if (std::filesystem::exists(layout.MainStore())) {
    main = std::make_unique<Store>(layout.MainStore().string(), experiment, seed);
    main->QuickCheck();
    for (auto& item : main->ReadAll()) {
      ItemKey key{item.hash, item.replicate};
      known.emplace(key, std::make_pair(std::move(item), main->path()));
    }
  }
  std::vector<ItemResult> pending;
  size_t remeasured = 0;
  for (const auto& shard : shards) {
    for (auto& item : shard->ReadAll()) {
      ItemKey key{item.hash, item.replicate};
      auto it = known.find(key);
      if (it != known.end()) {
        const bool same = SameRows(it->second.first, item);
        remeasured += !same;
        EXPERTLAB_CHECK(same || measured)
            << "cannot merge: cell " << item.params_json << " replicate " << item.replicate
            << " differs between " << it->second.second << " and " << shard->path();
        continue;
      }
      pending.push_back(item);
      known.emplace(key, std::make_pair(std::move(item), shard->path()));
    }
  }
  if (!main) main = std::make_unique<Store>(layout.MainStore().string(), experiment, seed);
  if (!pending.empty()) {
    const int64_t sweep = main->BeginSweep(
        {first.LastConfig(), 1, "merge of " + std::to_string(shards.size()) + " shards"});
    main->Write(pending, sweep);
    main->FinishSweep(sweep);
  }
  std::fprintf(stderr, "merged %zu shard store%s: %zu new items, %zu in all\n", shards.size(),
               shards.size() == 1 ? "" : "s", pending.size(), known.size());
  if (remeasured)
    std::fprintf(stderr, "note: %zu items were measured twice; the first measurement is kept\n",
                 remeasured);
  const size_t expected = ItemCountOfJson(first.LastConfig());
  if (known.size() < expected)
    std::fprintf(stderr,
                 "note: %zu of the sweep's %zu items are stored; shards are "
                 "missing or unfinished (the CSV is partial)\n",
                 known.size(), expected);
  return ExportCsv(dir);
}

std::filesystem::path ExportCsv(const std::filesystem::path& dir) {
  const ResultsLayout layout(dir);
  EXPERTLAB_CHECK(std::filesystem::exists(layout.MainStore()))
      << "no results store at '" << layout.MainStore().string()
      << "' (run the sweep there, or merge its shards)";
  const StoreLock lock(layout.MainStore(), "export");
  const Store store(layout.MainStore().string());
  store.QuickCheck();
  const std::string experiment = store.Meta("experiment");
  std::vector<ItemResult> items = store.ReadAll();

  std::vector<std::string> columns;
  if (Registry<Experiment>::Instance().Contains(experiment))
    for (const auto& spec : FindExperiment(experiment).params) columns.push_back(spec.name);
  std::vector<nlohmann::ordered_json> params;
  std::set<std::string> attribute_names;
  for (const auto& item : items) {
    params.push_back(nlohmann::ordered_json::parse(item.params_json));
    for (const auto& [key, value] : params.back().items())
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    for (const TextAttribute& a : item.attributes) attribute_names.insert(a.name);
  }
  struct Row {
    std::vector<SortKey> keys;
    std::vector<std::string> texts;
    size_t item;
  };
  std::vector<Row> order;
  for (size_t i = 0; i < items.size(); ++i) {
    Row row{{}, {}, i};
    for (const auto& column : columns) {
      std::string text;
      static const nlohmann::ordered_json kMissing;
      const auto& value = params[i].contains(column) ? params[i][column] : kMissing;
      row.keys.push_back(KeyOf(value, &text));
      row.texts.push_back(CsvField(text));
    }
    // Attributes follow the parameters as text columns (empty when absent).
    for (const std::string& name : attribute_names) {
      std::string text;
      for (const TextAttribute& a : items[i].attributes)
        if (a.name == name) text = a.value;
      row.texts.push_back(CsvField(text));
    }
    order.push_back(std::move(row));
  }
  std::sort(order.begin(), order.end(), [&](const Row& a, const Row& b) {
    if (a.keys < b.keys) return true;
    if (b.keys < a.keys) return false;
    return items[a.item].replicate < items[b.item].replicate;
  });

  const auto path = layout.Csv(experiment);
  const auto temp = path.string() + ".tmp";
  auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw Error("cannot " + what + " '" + path.string() + "': " + reason);
  };
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out.good()) fail("write");
    out << "experiment";
    for (const auto& column : columns) out << ',' << CsvField(column);
    for (const auto& name : attribute_names) out << ',' << CsvField(name);
    out << ",replicate,step,metric,value\n";
    for (const Row& row : order) {
      std::string prefix = CsvField(experiment);
      for (const auto& text : row.texts) prefix += "," + text;
      const ItemResult& item = items[row.item];
      prefix += "," + std::to_string(item.replicate) + ",";
      for (const MetricRow& m : item.rows)
        out << prefix << m.step << ',' << CsvField(m.name) << ',' << FormatValue(m.value) << '\n';
    }
    out.close();
    if (out.fail()) fail("write");
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    errno = error.value();
    fail("replace");
  }
  return path;
}

}  // namespace expertlab
