// The `expertlab` command line: list, run, merge, export, plot, report.
#pragma once

#include <string>
#include <vector>

namespace expertlab {

// Runs one command; returns the process exit code. Errors are printed as one
// line on stderr.
int RunCli(const std::vector<std::string>& args);

}  // namespace expertlab
