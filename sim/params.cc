#include "sim/params.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include "sim/check.h"

namespace expertlab {
namespace {

std::string FormatDouble(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), x);
  return std::string(buffer, result.ptr);
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    // Accept integral doubles such as 1e6 or 4096.0.
    double d = 0;
    auto [p2, e2] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (e2 != std::errc() || p2 != text.data() + text.size()) return {};
    if (d != std::floor(d) || std::fabs(d) > 9.0e15) return {};
    return static_cast<int64_t>(d);
  }
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return {};
  if (!std::isfinite(value)) return {};
  return value;
}

}  // namespace

std::string_view TypeName(ParamType type) {
  switch (type) {
    case ParamType::kInt: return "int";
    case ParamType::kDouble: return "double";
    case ParamType::kBool: return "bool";
    case ParamType::kString: return "string";
  }
  return "?";
}

std::string FormatValue(const Value& value) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return FormatDouble(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{}, value);
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

bool Bounds::Contains(double x) const {
  if (lo_open ? !(x > lo) : !(x >= lo)) return false;
  if (hi_open ? !(x < hi) : !(x <= hi)) return false;
  return true;
}

std::string Bounds::Describe() const {
  std::string text(lo_open ? "(" : "[");
  text += FormatDouble(lo);
  text += ", ";
  text += FormatDouble(hi);
  text += hi_open ? ")" : "]";
  return text;
}

namespace {

ParamSpec Numeric(std::string name, ParamType type, Value def, Bounds bounds, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(def);
  s.bounds = bounds;
  s.help = std::move(help);
  return s;
}

}  // namespace

ParamSpec ParamSpec::Int(std::string name, int64_t def, Bounds bounds, std::string help) {
  return Numeric(std::move(name), ParamType::kInt, def, bounds, std::move(help));
}

ParamSpec ParamSpec::Double(std::string name, double def, Bounds bounds, std::string help) {
  return Numeric(std::move(name), ParamType::kDouble, def, bounds, std::move(help));
}

ParamSpec ParamSpec::AutoDouble(std::string name, Bounds bounds, std::string help) {
  ParamSpec s = Double(std::move(name), 0.0, bounds, std::move(help));
  s.default_value = std::string("auto");
  s.allow_auto = true;
  return s;
}

ParamSpec ParamSpec::Bool(std::string name, bool def, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kBool;
  s.default_value = def;
  s.help = std::move(help);
  return s;
}

ParamSpec ParamSpec::Choice(std::string name, std::string def, std::vector<std::string> choices,
                            std::string help) {
  ParamSpec s = Text(std::move(name), std::move(def), std::move(help));
  s.choices = std::move(choices);
  return s;
}

ParamSpec ParamSpec::Text(std::string name, std::string def, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kString;
  s.default_value = std::move(def);
  s.help = std::move(help);
  return s;
}

std::string ParamSpec::DescribeType() const {
  switch (type) {
    case ParamType::kInt: return "an integer in " + bounds.Describe();
    case ParamType::kDouble:
      return std::string("a number in ") + bounds.Describe() + (allow_auto ? " or 'auto'" : "");
    case ParamType::kBool: return "true or false";
    case ParamType::kString: return choices.empty() ? "text" : "one of {" + JoinWithCommas(choices) + "}";
  }
  return "?";
}

Value ParamSpec::Parse(std::string_view raw, std::string_view context) const {
  const std::string text = Trim(raw);
  auto fail = [&]() {
    throw Error(std::string(context) + ": bad value '" + text + "' for '" + name + "': expected " +
                DescribeType());
  };
  switch (type) {
    case ParamType::kInt: {
      auto v = ParseInt(text);
      if (!v) fail();
      return Coerce(*v, context);
    }
    case ParamType::kDouble: {
      if (allow_auto && text == "auto") return std::string("auto");
      auto v = ParseDouble(text);
      if (!v) fail();
      return Coerce(*v, context);
    }
    case ParamType::kBool:
      if (text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      fail();
      break;
    case ParamType::kString: return Coerce(text, context);
  }
  return {};
}

Value ParamSpec::Coerce(const Value& value, std::string_view context) const {
  auto fail = [&](std::string_view why) {
    throw Error(std::string(context) + ": bad value '" + FormatValue(value) + "' for '" + name +
                "': " + std::string(why) + "expected " + DescribeType());
  };
  Value out;
  switch (type) {
    case ParamType::kInt:
      if (const auto* i = std::get_if<int64_t>(&value)) {
        out = *i;
      } else if (const auto* d = std::get_if<double>(&value);
                 d && *d == std::floor(*d) && std::fabs(*d) < 9.0e15) {
        out = static_cast<int64_t>(*d);
      } else {
        fail("");
      }
      if (!bounds.Contains(static_cast<double>(std::get<int64_t>(out)))) fail("out of range; ");
      break;
    case ParamType::kDouble:
      if (const auto* s = std::get_if<std::string>(&value)) {
        if (allow_auto && *s == "auto") return value;
        fail("");
      } else if (const auto* i = std::get_if<int64_t>(&value)) {
        out = static_cast<double>(*i);
      } else if (const auto* d = std::get_if<double>(&value)) {
        out = *d;
      } else {
        fail("");
      }
      if (!std::isfinite(std::get<double>(out)) || !bounds.Contains(std::get<double>(out)))
        fail("out of range; ");
      break;
    case ParamType::kBool:
      if (!std::holds_alternative<bool>(value)) fail("");
      out = value;
      break;
    case ParamType::kString: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s) fail("");
      if (!choices.empty()) {
        bool known = false;
        for (const auto& c : choices) known = known || c == *s;
        if (!known) fail("");
      }
      out = *s;
      break;
    }
  }
  if (validate) {
    try {
      validate(out);
    } catch (const Error& e) {
      throw Error(std::string(context) + ": bad value for '" + name + "': " + e.what());
    }
  }
  return out;
}

const Value& Params::Find(std::string_view name, ParamType type) const {
  for (const auto& [key, value] : items_) {
    if (key != name) continue;
    bool ok = false;
    switch (type) {
      case ParamType::kInt: ok = std::holds_alternative<int64_t>(value); break;
      case ParamType::kDouble:
        ok = std::holds_alternative<double>(value) || std::holds_alternative<std::string>(value);
        break;
      case ParamType::kBool: ok = std::holds_alternative<bool>(value); break;
      case ParamType::kString: ok = std::holds_alternative<std::string>(value); break;
    }
    EXPERTLAB_CHECK(ok) << "parameter '" << name << "' is not of type " << TypeName(type);
    return value;
  }
  throw Error("no parameter named '" + std::string(name) + "'");
}

int64_t Params::Int(std::string_view name) const {
  return std::get<int64_t>(Find(name, ParamType::kInt));
}

double Params::Double(std::string_view name) const {
  const Value& v = Find(name, ParamType::kDouble);
  EXPERTLAB_CHECK(std::holds_alternative<double>(v))
      << "parameter '" << name << "' is 'auto' where a number is needed";
  return std::get<double>(v);
}

std::optional<double> Params::AutoDouble(std::string_view name) const {
  const Value& v = Find(name, ParamType::kDouble);
  if (std::holds_alternative<std::string>(v)) return std::nullopt;
  return std::get<double>(v);
}

bool Params::Bool(std::string_view name) const {
  return std::get<bool>(Find(name, ParamType::kBool));
}

const std::string& Params::String(std::string_view name) const {
  return std::get<std::string>(Find(name, ParamType::kString));
}

const Value& Params::Get(std::string_view name) const {
  for (const auto& [key, value] : items_)
    if (key == name) return value;
  throw Error("no parameter named '" + std::string(name) + "'");
}

std::string Params::ToString() const {
  std::string out;
  for (const auto& [key, value] : items_)
    out += (out.empty() ? "" : ", ") + key + "=" + FormatValue(value);
  return out;
}

Params BuildParams(const std::vector<ParamSpec>& specs,
                   const std::map<std::string, std::string>& text_values,
                   std::string_view context) {
  for (const auto& [key, text] : text_values) {
    bool known = false;
    for (const auto& spec : specs) known = known || spec.name == key;
    if (!known) {
      std::vector<std::string> names;
      for (const auto& spec : specs) names.push_back(spec.name);
      throw Error(
          std::string(context) + ": unknown parameter '" + key + "'" +
          (names.empty() ? " (it takes none)" : "; expected one of {" + JoinWithCommas(names) + "}"));
    }
  }
  std::vector<std::pair<std::string, Value>> items;
  for (const auto& spec : specs) {
    auto it = text_values.find(spec.name);
    items.emplace_back(spec.name, it == text_values.end() ? spec.Coerce(spec.default_value, context)
                                                          : spec.Parse(it->second, context));
  }
  return Params(std::move(items));
}

std::vector<std::string> SplitTopLevel(std::string_view text, char sep) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == sep && depth == 0) {
      parts.push_back(Trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(Trim(current));
  return parts;
}

SpecString ParseSpecString(std::string_view raw) {
  const std::string text = Trim(raw);
  SpecString spec;
  const size_t open = text.find('(');
  if (open == std::string::npos) {
    spec.name = text;
  } else {
    EXPERTLAB_CHECK(text.back() == ')')
        << "malformed spec '" << text << "': expected name(key=value, ...)";
    spec.name = Trim(text.substr(0, open));
    const std::string inner = text.substr(open + 1, text.size() - open - 2);
    if (!Trim(inner).empty()) {
      for (const auto& part : SplitTopLevel(inner, ',')) {
        const size_t eq = part.find('=');
        EXPERTLAB_CHECK(eq != std::string::npos && eq > 0)
            << "malformed spec '" << text << "': '" << part << "' is not key=value";
        const std::string key = Trim(part.substr(0, eq));
        EXPERTLAB_CHECK(!spec.args.count(key))
            << "malformed spec '" << text << "': '" << key << "' given twice";
        spec.args[key] = Trim(part.substr(eq + 1));
      }
    }
  }
  EXPERTLAB_CHECK(!spec.name.empty() && spec.name.find_first_of("()=, ") == std::string::npos)
      << "malformed spec '" << text << "': expected name(key=value, ...)";
  return spec;
}

std::string JoinWithCommas(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

}  // namespace expertlab
