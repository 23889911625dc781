// Typed, validated parameters shared by experiments and algorithm registries.
//
// A ParamSpec declares one parameter (name, type, default, allowed range,
// meaning). Params holds validated values; every lookup is typed. Parsing
// happens before any work starts, and each problem becomes one Error naming
// the key, the value and what was expected.
//
// Spec strings pick an algorithm with its parameters:
//   "hedge"   "hedge(eta=0.1)"   "ftpl(noise=gumbel, eta=auto)"
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace expertlab {

using Value = std::variant<int64_t, double, bool, std::string>;

enum class ParamType { kInt, kDouble, kBool, kString };

std::string_view TypeName(ParamType type);

// Canonical text of a value: integers in decimal, doubles in the shortest
// form that round-trips, bools as true/false. Used for hashing and CSV.
std::string FormatValue(const Value& value);

// Inclusive or open numeric bounds.
struct Bounds {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  bool Contains(double x) const;
  std::string Describe() const;  // "[1, 64]", "(0, 0.5)"
  static Bounds Closed(double lo, double hi) { return {lo, hi, false, false}; }
  static Bounds Open(double lo, double hi) { return {lo, hi, true, true}; }
  static Bounds AtLeast(double lo) { return {lo, Bounds().hi, false, false}; }
  static Bounds Positive() { return {0.0, Bounds().hi, true, false}; }
};

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kDouble;
  Value default_value;
  std::string help;
  Bounds bounds;                     // ints and doubles
  std::vector<std::string> choices;  // strings: empty = free text
  bool allow_auto = false;           // doubles: the word "auto" is accepted
  // Extra validation (e.g. an algorithm spec string); throws Error.
  std::function<void(const Value&)> validate;

  static ParamSpec Int(std::string name, int64_t def, Bounds bounds, std::string help);
  static ParamSpec Double(std::string name, double def, Bounds bounds, std::string help);
  // A double that may also be "auto" (the algorithm picks it, e.g. eta).
  static ParamSpec AutoDouble(std::string name, Bounds bounds, std::string help);
  static ParamSpec Bool(std::string name, bool def, std::string help);
  static ParamSpec Choice(std::string name, std::string def, std::vector<std::string> choices,
                          std::string help);
  static ParamSpec Text(std::string name, std::string def, std::string help);

  // Parses text into a value of this spec's type and validates it.
  Value Parse(std::string_view text, std::string_view context) const;
  // Validates an already typed value (e.g. from TOML); ints widen to doubles.
  Value Coerce(const Value& value, std::string_view context) const;
  std::string DescribeType() const;  // "int in [2, 65536]"
};

// Validated parameter values in declaration order.
class Params {
 public:
  Params() = default;
  explicit Params(std::vector<std::pair<std::string, Value>> items) : items_(std::move(items)) {}

  int64_t Int(std::string_view name) const;
  double Double(std::string_view name) const;
  // nullopt when the value is "auto".
  std::optional<double> AutoDouble(std::string_view name) const;
  bool Bool(std::string_view name) const;
  const std::string& String(std::string_view name) const;
  const Value& Get(std::string_view name) const;

  // name=value pairs in declaration order, e.g. "eta=0.1, n=4".
  std::string ToString() const;
  const std::vector<std::pair<std::string, Value>>& Items() const { return items_; }

 private:
  const Value& Find(std::string_view name, ParamType type) const;
  std::vector<std::pair<std::string, Value>> items_;
};

// Applies defaults, rejects unknown keys and validates every value.
// `context` names the owner in messages, e.g. "algorithm 'hedge'".
Params BuildParams(const std::vector<ParamSpec>& specs,
                   const std::map<std::string, std::string>& text_values, std::string_view context);

// "name(k=v, k2=v2)" -> name and raw key/value texts.
struct SpecString {
  std::string name;
  std::map<std::string, std::string> args;
};
SpecString ParseSpecString(std::string_view text);

// Splits "a,b(c=1,d=2),e" at top-level commas: {"a", "b(c=1,d=2)", "e"}.
std::vector<std::string> SplitTopLevel(std::string_view text, char sep);

std::string Trim(std::string_view text);

// "a, b, c": a list of names for an error message.
std::string JoinWithCommas(const std::vector<std::string>& words);

}  // namespace expertlab
