// The one Catch2 main of the test binary. With EXPERTLAB_TEST_AS_CLI=1 it
// is the expertlab command line instead, with the test-only experiments
// registered (e.g. test_long_cell), so CLI tests can kill and resume them.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/cli.h"

int main(int argc, char** argv) {
  const char* as_cli = std::getenv("EXPERTLAB_TEST_AS_CLI");
  if (as_cli && std::string(as_cli) == "1")
    return expertlab::RunCli(std::vector<std::string>(argv + 1, argv + argc));
  return Catch::Session().run(argc, argv);
}
