// Named factories with parameter specs, one registry per algorithm family.
//
// Each family interface names itself with `static constexpr const char*
// kFamily`. Algorithms register in their own .cc:
//
//   EXPERTLAB_REGISTER(ExpertsLearner, Hedge, "hedge", "Exponential weights",
//                      {ParamSpec::AutoDouble("eta", ...)});
//
// and experiments build them from spec strings such as "hedge(eta=0.1)", so
// a new algorithm joins existing sweeps without touching any other file.
// Families are CMake OBJECT libraries so the linker never drops a
// registration.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check.h"
#include "sim/params.h"

namespace expertlab {

struct RegistryEntryInfo {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
};

// Type-erased view of one family's registry, for `expertlab list`.
class RegistryBase {
 public:
  virtual ~RegistryBase() = default;
  virtual std::string_view Family() const = 0;
  virtual std::vector<RegistryEntryInfo> Describe() const = 0;
  virtual bool Contains(std::string_view name) const = 0;
};

// Every registry that has at least one entry, in family-name order.
std::vector<const RegistryBase*> AllRegistries();
void AddToCatalog(const RegistryBase* registry);

template <class Interface>
class Registry final : public RegistryBase {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(const Params&)>;
  struct Entry {
    std::string name;
    std::string description;
    std::vector<ParamSpec> params;
    Factory factory;
  };

  static Registry& Instance() {
    static Registry* registry = [] {
      auto* r = new Registry();  // never destroyed: used during static init
      AddToCatalog(r);
      return r;
    }();
    return *registry;
  }

  bool Add(Entry entry) {
    EXPERTLAB_CHECK(!entries_.count(entry.name))
        << Family() << " '" << entry.name << "' is registered twice";
    std::string name = entry.name;
    entries_.emplace(std::move(name), std::move(entry));
    return true;
  }

  const Entry& Lookup(std::string_view name) const {
    auto it = entries_.find(std::string(name));
    if (it == entries_.end()) {
      std::string known;
      for (const auto& [n, e] : entries_) known += (known.empty() ? "" : ", ") + n;
      throw Error("unknown " + std::string(Family()) + " '" + std::string(name) +
                  "'; expected one of {" + known + "}");
    }
    return it->second;
  }

  // Parses and validates "name(k=v, ...)"; throws Error naming the problem.
  Params ParseParams(std::string_view spec, const Entry** entry_out) const {
    SpecString parsed = ParseSpecString(spec);
    const Entry& entry = Lookup(parsed.name);
    if (entry_out) *entry_out = &entry;
    return BuildParams(entry.params, parsed.args, std::string(Family()) + " '" + parsed.name + "'");
  }

  // Parses and constructs once, so constructors' cross-parameter checks
  // also fail at parse time, before any work starts.
  void Validate(std::string_view spec) const { Create(spec); }

  std::unique_ptr<Interface> Create(std::string_view spec) const {
    const Entry* entry = nullptr;
    Params params = ParseParams(spec, &entry);
    return entry->factory(params);
  }

  std::string_view Family() const override { return Interface::kFamily; }
  bool Contains(std::string_view name) const override {
    return entries_.count(std::string(name)) > 0;
  }
  std::vector<RegistryEntryInfo> Describe() const override {
    std::vector<RegistryEntryInfo> out;
    for (const auto& [name, e] : entries_) out.push_back({e.name, e.description, e.params});
    return out;
  }

 private:
  Registry() = default;
  std::map<std::string, Entry> entries_;
};

// A ParamSpec whose value must be a valid spec string of family Interface.
template <class Interface>
ParamSpec SpecParam(std::string name, std::string def, std::string help) {
  ParamSpec spec = ParamSpec::Text(std::move(name), std::move(def), std::move(help));
  spec.validate = [](const Value& v) {
    Registry<Interface>::Instance().Validate(std::get<std::string>(v));
  };
  return spec;
}

}  // namespace expertlab

#define EXPERTLAB_CONCAT_INNER(a, b) a##b
#define EXPERTLAB_CONCAT(a, b) EXPERTLAB_CONCAT_INNER(a, b)

// Registers class Impl (constructible from const Params&) under `name`.
#define EXPERTLAB_REGISTER(Interface, Impl, name, description, ...)            \
  namespace {                                                                  \
  [[maybe_unused]] const bool EXPERTLAB_CONCAT(registered_, __COUNTER__) =     \
      ::expertlab::Registry<Interface>::Instance().Add(                        \
          {name, description, std::vector<::expertlab::ParamSpec> __VA_ARGS__, \
           [](const ::expertlab::Params& p) -> std::unique_ptr<Interface> {    \
             return std::make_unique<Impl>(p);                                 \
           }});                                                                \
  }
