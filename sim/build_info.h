// Facts about this binary captured at build time, recorded with every sweep.
#pragma once

namespace expertlab {

struct BuildInfo {
  const char* git_sha;     // "unknown" outside a git checkout
  bool git_dirty;          // uncommitted changes when built
  const char* build_type;  // CMAKE_BUILD_TYPE
  const char* compiler;    // e.g. "GNU 12.2.0"
  const char* source_dir;  // where plots/ and experiments/ live
};

const BuildInfo& GetBuildInfo();

}  // namespace expertlab
