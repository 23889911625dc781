// The whole text of a file the engine wrote (empty when it cannot be read),
// for tests that compare exported CSVs.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace expertlab {

inline std::string FileText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace expertlab
