// The (cell, replicate) keys of a store's intact items, for tests.
#pragma once

#include <set>

#include "sim/store.h"

namespace expertlab {

inline std::set<ItemKey> StoredKeys(const Store& store) {
  std::set<ItemKey> keys;
  for (const ItemResult& item : store.Read().items) keys.emplace(item.hash, item.replicate);
  return keys;
}

}  // namespace expertlab
