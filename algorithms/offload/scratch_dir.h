// A fresh directory under $TMPDIR for an expert file, removed with the
// object: the engine's tests, benches and offload_validation write their
// model there.
#pragma once

#include <filesystem>
#include <string>

namespace expertlab::offload {

class ScratchDir {
 public:
  // $TMPDIR/expertlab_<tag>_<pid>: the pid keeps concurrent processes
  // apart, the tag the users within one.
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The expert file's path inside it.
  std::string ExpertFile() const { return (path_ / "model.experts").string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace expertlab::offload
