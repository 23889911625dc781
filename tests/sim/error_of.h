// The message of the expertlab::Error a call throws, for tests that compare
// whole error texts; "no error" when it throws none.
#pragma once

#include <functional>
#include <string>

#include "sim/check.h"

namespace expertlab {

inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace expertlab
