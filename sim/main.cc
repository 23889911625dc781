#include <string>
#include <vector>

#include "sim/cli.h"

int main(int argc, char** argv) {
  return expertlab::RunCli(std::vector<std::string>(argv + 1, argv + argc));
}
