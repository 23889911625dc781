#include "sim/registry.h"

namespace expertlab {
namespace {

std::vector<const RegistryBase*>& Catalog() {
  static auto* catalog = new std::vector<const RegistryBase*>();
  return *catalog;
}

}  // namespace

void AddToCatalog(const RegistryBase* registry) { Catalog().push_back(registry); }

std::vector<const RegistryBase*> AllRegistries() {
  std::vector<const RegistryBase*> out = Catalog();
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->Family() < b->Family(); });
  return out;
}

}  // namespace expertlab
