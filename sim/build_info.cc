#include "sim/build_info.h"

#include "git_info.h"

namespace expertlab {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo info{EXPERTLAB_GIT_SHA, EXPERTLAB_GIT_DIRTY, EXPERTLAB_BUILD_TYPE,
                              EXPERTLAB_COMPILER, EXPERTLAB_SOURCE_DIR};
  return info;
}

}  // namespace expertlab
