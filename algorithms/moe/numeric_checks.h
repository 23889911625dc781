// The MoE layer's NaN/Inf checks of inputs, outputs and weights: always on
// in debug builds, else when MoeConfig::check_numerics is set.
#pragma once

#include <cmath>
#include <cstdint>

#include "algorithms/moe/layer.h"
#include "sim/check.h"

namespace expertlab::moe {

inline bool ChecksOn(const MoeConfig& config) {
#ifndef NDEBUG
  (void)config;
  return true;
#else
  return config.check_numerics;
#endif
}

template <class S>
void CheckFinite(const S* v, int64_t n, const char* what) {
  for (int64_t i = 0; i < n; ++i)
    EXPERTLAB_CHECK(std::isfinite(v[i]))
        << "moe: non-finite value " << v[i] << " in " << what << " at flat index " << i;
}

}  // namespace expertlab::moe
