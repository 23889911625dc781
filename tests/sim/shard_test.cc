#include "sim/shard.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "sim/check.h"

namespace expertlab {
namespace {

// Sets SLURM_ARRAY_TASK_<suffix> for one scope (unsetting the others) and
// restores what the process had.
class SlurmEnvironment {
 public:
  explicit SlurmEnvironment(const std::map<std::string, std::string>& values) {
    for (const char* suffix : {"ID", "COUNT", "MIN", "STEP"}) {
      const std::string name = std::string("SLURM_ARRAY_TASK_") + suffix;
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      const auto it = values.find(suffix);
      if (it == values.end())
        unsetenv(name.c_str());
      else
        setenv(name.c_str(), it->second.c_str(), 1);
    }
  }
  ~SlurmEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

std::string ShardText(const std::map<std::string, std::string>& values) {
  const SlurmEnvironment environment(values);
  try {
    const auto shard = ShardFromSlurmEnvironment();
    return shard ? shard->ToString() : "none";
  } catch (const Error& e) {
    return e.what();
  }
}

TEST_CASE("a Slurm array task's shard comes from its environment", "[unit]") {
  CHECK(ShardText({}) == "none");
  CHECK(ShardText({{"ID", "3"}, {"COUNT", "4"}}) == "3/4");
  // --array=1-7:2 numbers its 4 tasks 1, 3, 5, 7.
  CHECK(ShardText({{"ID", "7"}, {"COUNT", "4"}, {"MIN", "1"}, {"STEP", "2"}}) == "3/4");
}

TEST_CASE("malformed Slurm array variables are errors naming them", "[unit]") {
  CHECK(ShardText({{"ID", "x3"}, {"COUNT", "4"}}) ==
        "bad SLURM_ARRAY_TASK_ID='x3': expected an integer >= 0 (or pass --shard i/N)");
  CHECK(ShardText({{"ID", "3"}, {"COUNT", "0"}}) ==
        "bad SLURM_ARRAY_TASK_COUNT='0': expected an integer >= 1 (or pass --shard i/N)");
  CHECK(ShardText({{"ID", "3"}, {"COUNT", "4"}, {"STEP", "two"}}) ==
        "bad SLURM_ARRAY_TASK_STEP='two': expected an integer >= 1 (or pass --shard i/N)");
  CHECK(ShardText({{"COUNT", "4"}}) ==
        "SLURM_ARRAY_TASK_COUNT is set but SLURM_ARRAY_TASK_ID is not; pass --shard i/N");
  CHECK(ShardText({{"ID", "4"}, {"COUNT", "4"}}) ==
        "SLURM_ARRAY_TASK_ID=4 is not one of the SLURM_ARRAY_TASK_COUNT=4 tasks numbered from 0 "
        "in steps of 1; pass --shard i/N");
  CHECK(
      ShardText({{"ID", "4"}, {"COUNT", "4"}, {"MIN", "1"}, {"STEP", "2"}}).find("is not one of") !=
      std::string::npos);
  CHECK(ShardText({{"ID", "0"}, {"COUNT", "4"}, {"MIN", "1"}}).find("is not one of") !=
        std::string::npos);
}

}  // namespace
}  // namespace expertlab
