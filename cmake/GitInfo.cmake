# Run at build time (cmake -P): writes git_info.h with the commit and whether
# the tree had uncommitted changes, rewriting it only when that changes.
execute_process(COMMAND git -C ${SOURCE_DIR} rev-parse HEAD
                OUTPUT_VARIABLE sha OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE sha_status ERROR_QUIET)
if(NOT sha_status EQUAL 0)
  set(sha "unknown")
endif()
execute_process(COMMAND git -C ${SOURCE_DIR} status --porcelain --untracked-files=no
                OUTPUT_VARIABLE changes RESULT_VARIABLE status_status ERROR_QUIET)
if(status_status EQUAL 0 AND changes STREQUAL "")
  set(dirty false)
else()
  set(dirty true)
endif()
set(content "#pragma once\n#define EXPERTLAB_GIT_SHA \"${sha}\"\n#define EXPERTLAB_GIT_DIRTY ${dirty}\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${content}")
  file(WRITE ${OUTPUT} "${content}")
endif()
