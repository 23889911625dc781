// Spec-string helpers for experiments that derive an algorithm's parameters
// from the cell (memory S, epoch length, the planted gap): they edit
// "name(k=v, ...)" strings instead of constructing objects by hand, so every
// learner stays selectable from a config.
#pragma once

#include <string>
#include <string_view>

#include "sim/params.h"
#include "sim/registry.h"

namespace expertlab::experts {

// `spec` with key=value set (added, or replacing an existing value).
inline std::string SpecWith(std::string_view spec, const std::string& key,
                            const std::string& value) {
  SpecString parsed = ParseSpecString(spec);
  parsed.args[key] = value;
  std::string out = parsed.name + "(";
  bool first = true;
  for (const auto& [k, v] : parsed.args) {
    out += (first ? "" : ", ") + k + "=" + v;
    first = false;
  }
  return out + ")";
}

// The value of `key` in `spec`, or "" when absent.
inline std::string SpecArg(std::string_view spec, const std::string& key) {
  const SpecString parsed = ParseSpecString(spec);
  auto it = parsed.args.find(key);
  return it == parsed.args.end() ? std::string() : it->second;
}

// True when the algorithm named in `spec` declares parameter `key`.
template <class Interface>
bool SpecHasParam(std::string_view spec, std::string_view key) {
  const auto& entry = Registry<Interface>::Instance().Lookup(ParseSpecString(spec).name);
  for (const ParamSpec& p : entry.params)
    if (p.name == key) return true;
  return false;
}

// A number as a spec value (shortest round-trip form).
inline std::string SpecNumber(double value) { return FormatValue(value); }

}  // namespace expertlab::experts
