#include "sim/store.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/check.h"
#include "sim/results.h"
#include "sim/shard.h"
#include "sim/store_sql.h"
#include "tests/sim/file_text.h"
#include "tests/sim/stored_keys.h"

namespace expertlab {
namespace {

std::filesystem::path TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("expertlab_store_test_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

ItemResult Item(uint64_t hash, int64_t rep, double value, int n = 4) {
  ItemResult item;
  item.hash = hash;
  item.replicate = rep;
  item.params_json = "{\"learner\":\"ftl\",\"n\":" + std::to_string(n) + "}";
  item.rows = {{1, "regret", value}, {2, "regret", value * 2}};
  return item;
}

TEST_CASE("SQLite failures are named by cause, and failed memory maps are out of memory",
          "[unit]") {
  // Under a low address-space limit the WAL index's shared mapping fails
  // with an I/O error code that is not the disk's.
  for (int rc : {SQLITE_IOERR_SHMMAP, SQLITE_IOERR_NOMEM, SQLITE_IOERR_MMAP, SQLITE_NOMEM})
    CHECK_THAT(store_sql::Cause(rc), Catch::StartsWith("out of memory"));
  CHECK_THAT(store_sql::Cause(SQLITE_IOERR_WRITE), Catch::StartsWith("I/O error"));
  CHECK_THAT(store_sql::Cause(SQLITE_FULL), Catch::Contains("disk is full"));
}

TEST_CASE("items round-trip and count as done", "[unit]") {
  const auto dir = TempDir("roundtrip");
  {
    Store store((dir / "store.db").string(), "hedge_regret", 5);
    const int64_t sweep = store.BeginSweep({"{}", 2, ""});
    // Hashes above 2^63 must survive SQLite's signed integers.
    store.Write({Item(0xfedcba9876543210ULL, 0, 1.5), Item(7, 1, NAN)}, sweep);
    store.FinishSweep(sweep);
  }
  Store store((dir / "store.db").string());
  CHECK(store.Meta("experiment") == "hedge_regret");
  CHECK(StoredKeys(store) == std::set<ItemKey>{{0xfedcba9876543210ULL, 0}, {7, 1}});
  const auto items = store.ReadAll();
  REQUIRE(items.size() == 2);
  CHECK(items[0].hash == 7);
  CHECK(std::isnan(items[0].rows[0].value));
  CHECK(items[1].rows[1].value == 3.0);
}

TEST_CASE("a store refuses another experiment or seed", "[unit]") {
  const auto dir = TempDir("identity");
  { Store store((dir / "store.db").string(), "hedge_regret", 5); }
  CHECK_THROWS_WITH(Store((dir / "store.db").string(), "other", 5),
                    Catch::Contains("holds results of experiment 'hedge_regret'"));
  CHECK_THROWS_WITH(Store((dir / "store.db").string(), "hedge_regret", 6),
                    Catch::Contains("was made with seed 5"));
  CHECK_THROWS_WITH(Store((dir / "missing.db").string()), Catch::Contains("no results store"));
}

TEST_CASE("duplicate items are rejected and the transaction rolls back", "[unit]") {
  const auto dir = TempDir("duplicate");
  Store store((dir / "store.db").string(), "hedge_regret", 5);
  const int64_t sweep = store.BeginSweep({"{}", 1, ""});
  store.Write({Item(1, 0, 1.0)}, sweep);
  CHECK_THROWS_WITH(store.Write({Item(2, 0, 1.0), Item(1, 0, 1.0)}, sweep),
                    Catch::Contains("an item is stored twice"));
  CHECK(StoredKeys(store) == std::set<ItemKey>{{1, 0}});
}

TEST_CASE("merge combines shards, detects conflicts and config mismatches", "[unit]") {
  const auto dir = TempDir("merge");
  const ResultsLayout layout(dir);
  auto write_shard = [&](int index, std::vector<ItemResult> items, const std::string& config) {
    Store store(layout.ShardStore({index, 2}).string(), "hedge_regret", 5);
    store.Write(items, store.BeginSweep({config, 1, ""}));
  };
  write_shard(0, {Item(1, 0, 1.0), Item(2, 0, 2.0, 8)}, "{\"grid\":1}");
  write_shard(1, {Item(3, 0, 3.0, 16), Item(1, 0, 1.0)}, "{\"grid\":1}");
  const auto csv = MergeShards(dir);
  CHECK(StoredKeys(Store(layout.MainStore().string())).size() == 3);
  const std::string text = FileText(csv);
  CHECK(text.rfind("experiment,learner,instance,n,T,per_octave,replicate,step,"
                   "metric,value\n",
                   0) == 0);
  // Sorted numerically by n (4 < 8 < 16), not as text.
  CHECK(text.find(",4,") < text.find(",8,"));
  CHECK(text.find(",8,") < text.find(",16,"));

  SECTION("conflicting values for the same item leave the store untouched") {
    write_shard(1, {Item(9, 0, 1.0), Item(3, 1, 5.0)}, "{\"grid\":1}");
    {
      Store extra(layout.ShardStore({0, 2}).string(), "hedge_regret", 5);
      extra.Write({Item(9, 1, 4.0)}, 1);
    }
    Store(layout.ShardStore({1, 2}).string(), "hedge_regret", 5).Write({Item(9, 1, 4.5)}, 1);
    const std::string before = FileText(csv);
    CHECK_THROWS_WITH(MergeShards(dir), Catch::Contains("differs between"));
    CHECK(StoredKeys(Store(layout.MainStore().string())).size() == 3);
    CHECK(FileText(csv) == before);
  }
  SECTION("shards of different sweep configs are refused") {
    Store(layout.ShardStore({1, 2}).string(), "hedge_regret", 5)
        .BeginSweep({"{\"grid\":2}", 1, ""});
    CHECK_THROWS_WITH(MergeShards(dir), Catch::Contains("different sweep configs"));
  }
}

}  // namespace
}  // namespace expertlab
