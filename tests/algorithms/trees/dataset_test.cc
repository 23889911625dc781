#include "algorithms/trees/dataset.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::trees {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("expertlab_trees_" + name + ".csv")).string();
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("trees data: the synthetic generator scales columns to the unit interval", "[unit]") {
  Rng rng = testing::TestRng(1);
  const Dataset data = SyntheticDataset(500, 6, 3, rng);
  CHECK(data.rows() == 500);
  CHECK(data.columns() == 6);
  CHECK(data.classes == 3);
  CHECK(data.features.minCoeff() == 0.0);
  CHECK(data.features.maxCoeff() == 1.0);
  for (int label : data.labels) REQUIRE((label >= 0 && label < 3));
}

TEST_CASE("trees data: the CSV loader reads scikit-learn's format", "[unit]") {
  const std::string path = WriteTemp("good", "3,2,a,b\n1,10,7\n2,30,3\n3,20,7\n");
  const Dataset data = LoadCsvDataset(path, "good");
  std::remove(path.c_str());
  CHECK(data.classes == 2);
  CHECK(data.labels == std::vector<int>{1, 0, 1});
  CHECK(data.features(1, 0) == 0.5);
  CHECK(data.features(2, 1) == 0.5);
}

TEST_CASE("trees data: a missing or malformed file is a clear error", "[unit]") {
  CHECK_THROWS_WITH(LoadCsvDataset("/nonexistent/x.csv", "x"),
                    Catch::Contains("dataset 'x': cannot open /nonexistent/x.csv"));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"rows,features\n", "line 1: expected a header"},
      {"2,2\n1,2,0\n1,2\n", "line 3: expected 3 fields"},
      {"2,2\n1,2,0\n1,x,1\n", "line 3 field 2: expected a number, got 'x'"},
      {"3,2\n1,2,0\n1,3,1\n", "the header announces 3 rows, found 2"},
      {"2,2\n1,2,0\n1,3,0\n", "expected at least 2 classes"},
      {"1,2\n1,2,0\n1,3,1\n", "line 3: more rows than the 1"},
      {"2,2\n1,2,0.5\n1,3,1\n", "the label must be an integer"}};
  for (const auto& [text, message] : bad) {
    const std::string path = WriteTemp("bad", text);
    CHECK_THROWS_WITH(LoadCsvDataset(path, "bad"), Catch::Contains(message));
    std::remove(path.c_str());
  }
}

TEST_CASE("trees data: packaged data sets, when prepared, load whole", "[unit]") {
  // (name, rows, columns, classes) as documented by scikit-learn and mlbench.
  const std::vector<std::tuple<std::string, int, int, int>> known = {
      {"iris", 150, 4, 3}, {"wine", 178, 13, 3}, {"breast_cancer", 569, 30, 2}};
  int found = 0;
  for (const auto& [name, rows, columns, classes] : known) {
    if (!std::filesystem::exists(DatasetPath(name))) continue;
    ++found;
    const Dataset data = LoadCsvDataset(DatasetPath(name), name);
    CHECK(data.rows() == rows);
    CHECK(data.columns() == columns);
    CHECK(data.classes == classes);
  }
  if (found == 0) WARN("no packaged data set under " << DataDirectory() << ": skipped");
}

}  // namespace
}  // namespace expertlab::trees
