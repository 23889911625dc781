#include "algorithms/offload/scratch_dir.h"

#include <unistd.h>

namespace expertlab::offload {

ScratchDir::ScratchDir(const std::string& tag)
    : path_(std::filesystem::temp_directory_path() /
            ("expertlab_" + tag + "_" + std::to_string(::getpid()))) {
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace expertlab::offload
