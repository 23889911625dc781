// The store's items: their checksum, and writing, reading (with integrity
// checks) and removing them.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include "sim/bytes.h"
#include "sim/check.h"
#include "sim/grid.h"
#include "sim/store.h"
#include "sim/store_sql.h"

namespace expertlab {
namespace {

using store_sql::Describe;
using store_sql::FromSql;
using store_sql::Statement;
using store_sql::ToSql;

// Values as the store gives them back: NaN canonical (stored as NULL) and
// -0 as +0 (SQLite keeps integral reals as integers).
double Canonical(double value) {
  if (std::isnan(value)) return std::numeric_limits<double>::quiet_NaN();
  return value == 0 ? 0.0 : value;
}

}  // namespace

uint64_t ItemChecksum(const ItemResult& item) {
  ByteWriter bytes;
  bytes.Put<uint64_t>(item.hash);
  bytes.Put<int64_t>(item.replicate);
  bytes.PutString(item.params_json);
  bytes.Put<uint64_t>(item.rows.size());
  for (const MetricRow& row : item.rows) {
    bytes.Put<int64_t>(row.step);
    bytes.PutString(row.name);
    bytes.Put<double>(Canonical(row.value));
  }
  // Attributes come back from the store in name order.
  std::vector<const TextAttribute*> attributes;
  for (const TextAttribute& a : item.attributes) attributes.push_back(&a);
  std::sort(attributes.begin(), attributes.end(),
            [](const TextAttribute* a, const TextAttribute* b) { return a->name < b->name; });
  bytes.Put<uint64_t>(attributes.size());
  for (const TextAttribute* a : attributes) {
    bytes.PutString(a->name);
    bytes.PutString(a->value);
  }
  return Fnv1a64(bytes.bytes());
}

void RequireClean(const StoreContents& contents, const std::string& path) {
  if (contents.Clean()) return;
  std::string message = "results store '" + path + "' is damaged:";
  const size_t shown = std::min<size_t>(contents.damaged.size(), 5);
  for (size_t i = 0; i < shown; ++i) {
    const DamagedItem& d = contents.damaged[i];
    message += (i ? "; " : " ") + Describe(d.key, d.params_json) + " " + d.problem;
  }
  if (contents.damaged.size() > shown)
    message += "; and " + std::to_string(contents.damaged.size() - shown) + " more damaged items";
  if (contents.lost > 0)
    message += (shown ? "; " : " ") + std::to_string(contents.lost) + " items are missing";
  if (contents.lost < 0)
    message += (shown ? "; " : " ") + std::string("its item summary does not match its items");
  throw Error(message + "; rerunning the sweep recomputes them");
}

void Store::Write(const std::vector<ItemResult>& items, int64_t sweep_id) {
  if (items.empty()) return;
  Transaction([&] {
    Statement cell(db_, "INSERT INTO cell VALUES(?,?,?,?,?,?,?)", path_);
    Statement metric(db_, "INSERT INTO metric VALUES(?,?,?,?,?,?)", path_);
    Statement attribute(db_, "INSERT INTO attribute VALUES(?,?,?,?)", path_);
    Statement checkpoint(db_, "DELETE FROM checkpoint WHERE hash = ? AND replicate = ?", path_);
    uint64_t checksums = 0;
    for (const ItemResult& item : items) {
      const uint64_t checksum = ItemChecksum(item);
      checksums ^= checksum;
      const int64_t hash = ToSql(item.hash);
      cell.Bind(1, hash)
          .Bind(2, item.replicate)
          .Bind(3, item.params_json)
          .Bind(4, item.seconds)
          .Bind(5, sweep_id)
          .Bind(6, static_cast<int64_t>(item.rows.size()))
          .Bind(7, ToSql(checksum))
          .Run("storing " + Describe({item.hash, item.replicate}, item.params_json));
      int64_t seq = 0;
      for (const MetricRow& row : item.rows) {
        metric.Bind(1, hash)
            .Bind(2, item.replicate)
            .Bind(3, seq++)
            .Bind(4, row.step)
            .Bind(5, row.name)
            .Bind(6, row.value)
            .Run("storing a metric row");
      }
      for (const TextAttribute& a : item.attributes) {
        attribute.Bind(1, hash)
            .Bind(2, item.replicate)
            .Bind(3, a.name)
            .Bind(4, a.value)
            .Run("storing an attribute");
      }
      checkpoint.Bind(1, hash).Bind(2, item.replicate).Run("removing a finished checkpoint");
    }
    Statement summary(db_,
                      "UPDATE summary SET items = items + ?1,"
                      " checksum = (checksum | ?2) & ~(checksum & ?2)",
                      path_);
    summary.Bind(1, static_cast<int64_t>(items.size()))
        .Bind(2, ToSql(checksums))
        .Run("updating the summary");
  });
}

StoreContents Store::Read() const {
  std::lock_guard<std::mutex> lock(mutex_);
  struct Stored {
    ItemResult item;
    int64_t rows = 0;
    uint64_t checksum = 0;
    int64_t sweep = 0;
  };
  std::map<ItemKey, Stored> stored;
  std::set<int64_t> sweeps;
  {
    Statement stmt(db_, "SELECT id FROM sweep", path_);
    while (stmt.Step()) sweeps.insert(stmt.Int(0));
  }
  uint64_t checksums = 0;
  {
    Statement stmt(db_, "SELECT hash, replicate, params, seconds, rows, checksum, sweep FROM cell",
                   path_);
    while (stmt.Step()) {
      Stored s;
      s.item.hash = FromSql(stmt.Int(0));
      s.item.replicate = stmt.Int(1);
      s.item.params_json = stmt.Text(2);
      s.item.seconds = stmt.Double(3);
      s.rows = stmt.Int(4);
      s.checksum = FromSql(stmt.Int(5));
      s.sweep = stmt.Int(6);
      checksums ^= s.checksum;
      stored.emplace(ItemKey{s.item.hash, s.item.replicate}, std::move(s));
    }
  }
  StoreContents contents;
  std::set<ItemKey> orphans;
  // Rows of the per-item tables join their item; rows whose item has no
  // cell record are orphans (the cell row was lost).
  auto attach = [&](const char* sql, const std::function<void(ItemResult&, Statement&)>& add) {
    Statement stmt(db_, sql, path_);
    while (stmt.Step()) {
      const ItemKey key{FromSql(stmt.Int(0)), stmt.Int(1)};
      auto it = stored.find(key);
      if (it == stored.end()) {
        orphans.insert(key);
      } else {
        add(it->second.item, stmt);
      }
    }
  };
  attach("SELECT hash, replicate, step, name, value FROM metric ORDER BY hash, replicate, seq",
         [](ItemResult& item, Statement& s) {
           item.rows.push_back({s.Int(2), s.Text(3), s.Double(4)});
         });
  attach("SELECT hash, replicate, name, value FROM attribute ORDER BY hash, replicate, name",
         [](ItemResult& item, Statement& s) {
           item.attributes.push_back({s.Text(2), s.Text(3)});
         });
  int64_t summary_items = 0;
  uint64_t summary_checksum = 0;
  {
    Statement stmt(db_, "SELECT items, checksum FROM summary", path_);
    if (stmt.Step()) {
      summary_items = stmt.Int(0);
      summary_checksum = FromSql(stmt.Int(1));
    }
  }
  for (const ItemKey& key : orphans)
    contents.damaged.push_back({key, "", "has rows but no cell record"});
  for (auto& [key, s] : stored) {
    std::string problem;
    if (static_cast<int64_t>(s.item.rows.size()) != s.rows) {
      problem = "has " + std::to_string(s.item.rows.size()) + " of its " + std::to_string(s.rows) +
                " rows";
    } else if (ItemChecksum(s.item) != s.checksum) {
      problem = "does not match its checksum";
    } else if (!sweeps.count(s.sweep)) {
      problem = "names a sweep that is not recorded";
    }
    if (problem.empty()) {
      contents.items.push_back(std::move(s.item));
    } else {
      contents.damaged.push_back({key, s.item.params_json, problem});
    }
  }
  const int64_t count = static_cast<int64_t>(stored.size());
  if (summary_items != count) {
    contents.lost = summary_items - count;
    if (contents.lost == 0) contents.lost = -1;
  } else if (summary_checksum != checksums) {
    contents.lost = -1;
  }
  return contents;
}

std::vector<ItemResult> Store::ReadAll() const {
  StoreContents contents = Read();
  RequireClean(contents, path_);
  return std::move(contents.items);
}

void Store::Remove(const std::vector<ItemKey>& keys) {
  Transaction([&] {
    for (const char* table : {"cell", "metric", "attribute", "checkpoint"}) {
      const std::string sql =
          std::string("DELETE FROM ") + table + " WHERE hash = ? AND replicate = ?";
      Statement stmt(db_, sql.c_str(), path_);
      for (const ItemKey& key : keys) {
        stmt.Bind(1, ToSql(key.first)).Bind(2, key.second).Run("removing a damaged item");
      }
    }
    int64_t items = 0;
    uint64_t checksums = 0;
    {
      Statement stmt(db_, "SELECT checksum FROM cell", path_);
      while (stmt.Step()) {
        ++items;
        checksums ^= FromSql(stmt.Int(0));
      }
    }
    Statement summary(db_, "UPDATE summary SET items = ?, checksum = ?", path_);
    summary.Bind(1, items).Bind(2, ToSql(checksums)).Run("rewriting the summary");
  });
}

}  // namespace expertlab
