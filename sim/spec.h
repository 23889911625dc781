// Spec strings in, effective parameters out: what every algorithm family
// shares between an experiment and the algorithms it runs.
//
// Spec helpers. Experiments derive some of an algorithm's parameters from
// the cell (memory S, epoch length, a planted gap): they edit
// "name(k=v, ...)" strings instead of constructing objects by hand, so
// every algorithm stays selectable from a config.
//
// Effective parameters. What an algorithm actually runs with after its
// start can differ from its spec: `auto` values are computed from n and T,
// values are clipped, a memory budget is split into pools. An algorithm
// reports those values (HasEffectiveParams), and experiments record them
// as rows instead of recomputing them, so a theory check always uses the
// value the algorithm used.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/params.h"
#include "sim/registry.h"

namespace expertlab {

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

// The value of `key` as written in `spec`, or "" when absent.
inline std::string SpecArg(std::string_view spec, const std::string& key) {
  const SpecString parsed = ParseSpecString(spec);
  auto it = parsed.args.find(key);
  return it == parsed.args.end() ? std::string() : it->second;
}

// The registered name in `spec` ("hedge" for "hedge(eta=0.1)").
inline std::string SpecName(std::string_view spec) { return ParseSpecString(spec).name; }

// True when the algorithm named in `spec` declares parameter `key`.
template <class Interface>
bool SpecHasParam(std::string_view spec, std::string_view key) {
  const auto& entry = Registry<Interface>::Instance().Lookup(ParseSpecString(spec).name);
  for (const ParamSpec& p : entry.params)
    if (p.name == key) return true;
  return false;
}

// The validated parameters of `spec`, defaults filled in.
template <class Interface>
Params SpecParams(std::string_view spec) {
  return Registry<Interface>::Instance().ParseParams(spec, nullptr);
}

// A number as a spec value (shortest round-trip form).
inline std::string SpecNumber(double value) { return FormatValue(value); }

// (name, value) pairs an algorithm reports, in a fixed order.
using ParamValues = std::vector<std::pair<std::string, double>>;

// Mixin of the family interfaces whose algorithms report the parameters
// they actually use.
class HasEffectiveParams {
 public:
  virtual ~HasEffectiveParams() = default;
  // The values in use after the algorithm's start (e.g. delta, pool sizes,
  // epoch length), including those given explicitly; none by default.
  virtual ParamValues EffectiveParams() const { return {}; }
};

// The value named `name` in `values`, if reported.
inline std::optional<double> FindParam(const ParamValues& values, std::string_view name) {
  for (const auto& [key, value] : values)
    if (key == name) return value;
  return std::nullopt;
}

}  // namespace expertlab
